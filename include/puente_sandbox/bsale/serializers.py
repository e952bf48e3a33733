"""Bsale JSON shapes, field for field as docs.bsale.dev shows them.

Conventions worth knowing: relation nodes carry the id as a *string* (``{"href", "id": "656"}``),
booleans are 0/1 integers, stock quantities are floats, dates are unix seconds. Price-list detail
relations point at ``/v1/variant/{id}.json`` (singular) exactly as Bsale's own examples do.
"""

from __future__ import annotations

from typing import Any

from puente_sandbox.catalog_models import (
    BsaleOffice,
    BsalePriceDetail,
    BsalePriceList,
    BsaleProduct,
    BsaleStock,
    BsaleVariant,
)


def link(base: str, path: str) -> dict[str, str]:
    return {"href": f"{base}/v1/{path}.json"}


def rel(base: str, collection: str, item_id: int) -> dict[str, str]:
    return {"href": f"{base}/v1/{collection}/{item_id}.json", "id": str(item_id)}


def number(value: float) -> float | int:
    """Prices print like Bsale's examples: ``4590`` when whole, ``25000.23`` otherwise."""
    return int(value) if float(value).is_integer() else value


def product_json(base: str, p: BsaleProduct) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/products/{p.id}.json",
        "id": p.id,
        "name": p.name,
        "description": None,
        "classification": p.classification,
        "ledgerAccount": None,
        "costCenter": None,
        "allowDecimal": p.allow_decimal,
        "stockControl": p.stock_control,
        "printDetailPack": 0,
        "state": p.state,
        "prestashopProductId": 0,
        "presashopAttributeId": 0,  # sic: Bsale's field name has this typo
        "product_type": rel(base, "product_types", p.product_type_id),
        "product_taxes": link(base, f"products/{p.id}/product_taxes"),
    }


def variant_json(base: str, v: BsaleVariant, product: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/variants/{v.id}.json",
        "id": v.id,
        "description": v.description,
        "unlimitedStock": v.unlimited_stock,
        "allowNegativeStock": v.allow_negative_stock,
        "state": v.state,
        "barCode": v.bar_code,
        "code": v.code,
        "imagestionCenterCost": 0,
        "imagestionAccount": 0,
        "imagestionConceptCod": 0,
        "imagestionProyectCod": 0,
        "imagestionCategoryCod": 0,
        "imagestionProductId": 0,
        "serialNumber": v.serial_number,
        "prestashopCombinationId": 0,
        "prestashopValueId": 0,
        "product": product if product is not None else rel(base, "products", v.product_id),
        "attribute_values": link(base, f"variants/{v.id}/attribute_values"),
        "costs": link(base, f"variants/{v.id}/costs"),
    }


def stock_json(
    base: str,
    s: BsaleStock,
    variant: dict[str, Any] | None = None,
    office: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/stocks/{s.id}.json",
        "id": s.id,
        "quantity": float(s.quantity),
        "quantityReserved": float(s.quantity_reserved),
        "quantityAvailable": float(s.quantity_available),
        "variant": variant if variant is not None else rel(base, "variants", s.variant_id),
        "office": office if office is not None else rel(base, "offices", s.office_id),
    }


def office_json(base: str, o: BsaleOffice) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/offices/{o.id}.json",
        "id": o.id,
        "name": o.name,
        "description": "",
        "address": o.address,
        "latitude": "",
        "longitude": "",
        "isVirtual": o.is_virtual,
        "country": "Chile",
        "municipality": o.municipality,
        "city": o.city,
        "zipCode": "",
        "costCenter": "",
        "state": o.state,
        "imagestionCellarId": 0,
        "defaultPriceList": rel(base, "price_lists", o.default_price_list_id),
    }


def price_list_json(base: str, pl: BsalePriceList) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/price_lists/{pl.id}.json",
        "id": str(pl.id),  # a string here too, as in Bsale's examples
        "name": pl.name,
        "description": pl.description,
        "state": pl.state,
        "coin": rel(base, "coins", pl.coin_id),
        "details": link(base, f"price_lists/{pl.id}/details"),
    }


def detail_json(base: str, d: BsalePriceDetail, variant: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/price_lists/{d.price_list_id}/details/{d.id}.json",
        "id": d.id,
        "variantValue": number(d.variant_value),
        "variantValueWithTaxes": d.variant_value_with_taxes,
        "variant": variant if variant is not None else rel(base, "variant", d.variant_id),
    }


def document_type_json(base: str, dt: dict[str, Any]) -> dict[str, Any]:
    body = {"href": f"{base}/v1/document_types/{dt['id']}.json", **dt}
    body["book_type"] = rel(base, "book_types", 1)
    return body
