"""Bsale test helpers under ``/_sandbox``: act as the merchant editing Bsale, and look inside.

``POST /_sandbox/stock`` sets a variant's available stock in an office by SKU (reservations are
kept, so ``quantity = available + reserved``); ``POST /_sandbox/price`` sets a price by SKU from a
net or a gross value; ``POST /_sandbox/variants`` creates a product with one variant
``{sku, name, office_id, available, net}`` (a stock row in that office, the net price in every
price list), like a merchant adding a web-only SKU in Bsale's back office (201; 409 if the SKU
exists); ``GET /_sandbox/catalog`` is a per-SKU snapshot of stocks and prices;
``GET /_sandbox/documents`` lists every stored sales document (salesId, codeSii, number, client,
details, whole-peso totals; see ``document_json.inspection_json``) in id order.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale.document_json import inspection_json
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.bsale.vendor import as_int, as_number
from puente_sandbox.catalog_models import BsaleVariant, net_from_gross
from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX


def sku_snapshot(store: BsaleStore, variant: BsaleVariant) -> dict[str, Any]:
    product = store.products[variant.product_id]
    return {
        "sku": variant.code,
        "variant_id": variant.id,
        "product_id": product.id,
        "classification": product.classification,
        "state": variant.state,
        "unlimited_stock": variant.unlimited_stock,
        "allow_negative_stock": variant.allow_negative_stock,
        "serial_number": variant.serial_number,
        "stocks": [
            {
                "office_id": s.office_id,
                "quantity": s.quantity,
                "reserved": s.quantity_reserved,
                "available": s.quantity_available,
            }
            for s in sorted(store.stocks_of(variant.id), key=lambda s: s.office_id)
        ],
        "prices": [
            {
                "price_list_id": pl_id,
                "detail_id": d.id,
                "net": d.variant_value,
                "gross": d.variant_value_with_taxes,
            }
            for pl_id in store.price_lists
            if (d := store.detail_for(pl_id, variant.id)) is not None
        ],
    }


def build_bsale_inspection_router(store: BsaleStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    async def body_and_variant(request: Request) -> tuple[dict[str, Any], BsaleVariant]:
        body = await read_json_object(request)
        variant = store.variant_by_code(str(body.get("sku", "")))
        if variant is None:
            raise LookupError(f"unknown sku {body.get('sku')!r}")
        return body, variant

    @router.get("/catalog")
    async def catalog() -> JSONResponse:
        return ok([sku_snapshot(store, v) for v in store.variants.values()])

    @router.post("/stock")
    async def set_stock(request: Request) -> JSONResponse:
        try:
            body, variant = await body_and_variant(request)
        except (ValueError, LookupError) as exc:
            return inspection_error(str(exc), 404 if isinstance(exc, LookupError) else 400)
        office_id = as_int(body.get("office_id")) or store.main_office_id()
        available = as_number(body.get("available"))
        if office_id not in store.offices or available is None:
            return inspection_error("need a known office_id and a numeric 'available'")
        store.set_available(variant, office_id, available)
        return ok(sku_snapshot(store, variant))

    @router.post("/price")
    async def set_price(request: Request) -> JSONResponse:
        try:
            body, variant = await body_and_variant(request)
        except (ValueError, LookupError) as exc:
            return inspection_error(str(exc), 404 if isinstance(exc, LookupError) else 400)
        price_list_id = as_int(body.get("price_list_id")) or min(store.price_lists)
        detail = store.detail_for(price_list_id, variant.id)
        net, gross = as_number(body.get("net")), as_number(body.get("gross"))
        if detail is None or (net is None) == (gross is None):
            return inspection_error("need a known price_list_id and exactly one of 'net' or 'gross'")
        store.update_detail_value(detail, net if net is not None else net_from_gross(gross or 0))
        return ok(sku_snapshot(store, variant))

    @router.post("/variants")
    async def create_variant(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        sku, name = str(body.get("sku") or ""), str(body.get("name") or body.get("sku") or "")
        office_id = as_int(body.get("office_id")) or store.main_office_id()
        available, net = as_number(body.get("available", 0)), as_number(body.get("net"))
        if not sku or office_id not in store.offices or available is None or net is None or net < 0:
            return inspection_error("need 'sku', a known office_id, a numeric 'available' and a net >= 0")
        if store.variant_by_code(sku) is not None:
            return inspection_error(f"sku {sku!r} already exists", 409)
        variant = store.create_variant(sku, name, net)
        store.set_available(variant, office_id, available)
        return ok(sku_snapshot(store, variant), 201)

    @router.get("/documents")
    async def documents() -> JSONResponse:
        return ok([inspection_json(d) for d in store.book.documents.values()])

    @router.get("/movements")
    async def movements() -> JSONResponse:
        return ok({"receptions": store.receptions, "consumptions": store.consumptions})

    return router
