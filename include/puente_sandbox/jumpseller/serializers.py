"""Jumpseller JSON shapes: field names and types exactly as the OpenAPI ``ProductFields`` and
``VariantFields`` schemas (a conformance test validates them with extra fields forbidden).

Optional fields we have no value for (``compare_at_price``, a variant ``image``) are omitted
rather than sent as ``null``, because the spec does not mark them nullable.
"""

from __future__ import annotations

from typing import Any

from puente_sandbox.catalog_models import JumpsellerProduct, JumpsellerVariant


def variant_fields(v: JumpsellerVariant) -> dict[str, Any]:
    return {
        "id": v.id,
        "price": float(v.price),
        "sku": v.sku,
        "barcode": v.barcode,
        "stock": v.stock,
        "stock_unlimited": v.stock_unlimited,
        "stock_threshold": v.stock_threshold,
        "stock_notification": v.stock_notification,
        "cost_per_item": float(v.cost_per_item),
        "options": [dict(o) for o in v.options],
    }


def product_stock(p: JumpsellerProduct) -> int:
    """A product with variants reports the sum of its limited variants' stock."""
    if not p.variants:
        return p.stock
    return sum(v.stock for v in p.variants if not v.stock_unlimited)


def product_fields(p: JumpsellerProduct) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "page_title": p.name,
        "description": p.description,
        "type": "physical",
        "price": float(p.price),
        "discount": 0.0,
        "weight": float(p.weight),
        "stock": product_stock(p),
        "stock_unlimited": p.stock_unlimited,
        "stock_threshold": p.stock_threshold,
        "stock_notification": p.stock_notification,
        "back_in_stock_enabled": False,
        "cost_per_item": float(p.cost_per_item),
        "sku": p.sku,
        "brand": p.brand,
        "barcode": p.barcode,
        "quotable": False,
        "featured": False,
        "reviews_enabled": True,
        "status": p.status,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "package_format": "box",
        "length": 0.0,
        "width": 0.0,
        "height": 0.0,
        "diameter": 0.0,
        "permalink": p.permalink,
        "categories": [],
        "images": [],
        "variants": [variant_fields(v) for v in p.variants],
    }


def product_json(p: JumpsellerProduct) -> dict[str, Any]:
    return {"product": product_fields(p)}


def variant_json(v: JumpsellerVariant) -> dict[str, Any]:
    return {"variant": variant_fields(v)}
