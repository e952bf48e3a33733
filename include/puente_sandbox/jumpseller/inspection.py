"""Jumpseller test helpers under ``/_sandbox``: read listings flat, and edit one as a merchant.

``GET /_sandbox/listings`` returns one row per sellable SKU (simple product or variant) and
``POST /_sandbox/listings/edit`` changes stock/price/stock_unlimited by SKU the way a merchant
editing in the admin panel would (the seed article: Bsale later overwrites such edits).
``GET /_sandbox/products/created`` lists the products created through ``POST /v1/products.json``
(in creation order, with their listing SKUs), so a test counts creates from the store's own record;
``POST /_sandbox/products/remove`` ``{"skus": [...]}`` deletes the products carrying those SKUs, as
a merchant deleting them in the admin panel (so a test can make ERP products the store lacks).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.jumpseller.validation import VARIANT_FIELDS, InvalidField, parse_changes

EDITABLE = {name: VARIANT_FIELDS[name] for name in ("stock", "price", "stock_unlimited")}


def build_jumpseller_inspection_router(store: JumpsellerStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/listings")
    async def listings() -> JSONResponse:
        return ok([listing.as_dict() for listing in store.listings()])

    @router.post("/listings/edit")
    async def edit_listing(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
            changes = parse_changes(body, EDITABLE)
        except (ValueError, InvalidField) as exc:
            return inspection_error(str(exc))
        matched = store.listings_by_sku(str(body.get("sku", "")))
        if not matched:
            return inspection_error(f"unknown sku {body.get('sku')!r}", 404)
        for listing in matched:
            if listing.variant is not None:
                store.apply_variant_changes(listing.product, listing.variant, changes)
            else:
                store.apply_product_changes(listing.product, changes)
        return ok([listing.as_dict() for listing in store.listings_by_sku(str(body["sku"]))])

    @router.get("/products/created")
    async def created_products() -> JSONResponse:
        rows = []
        for product_id in store.created:
            product = store.products.get(product_id)
            if product is not None:
                skus = [v.sku for v in product.variants] if product.variants else [product.sku]
                rows.append({"id": product.id, "name": product.name, "skus": skus})
        return ok({"count": len(store.created), "products": rows})

    @router.post("/products/remove")
    async def remove_products(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        skus = body.get("skus")
        if not isinstance(skus, list) or not all(isinstance(sku, str) for sku in skus):
            return inspection_error("'skus' must be a list of strings")
        return ok({"removed": store.remove_products(skus)})

    return router
