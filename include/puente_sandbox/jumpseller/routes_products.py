"""Jumpseller products and variants (``/v1/products*``): what a catalog sync reads and writes, and
the create an import makes (``POST /v1/products.json``, see ``product_create``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.catalog_models import JumpsellerProduct, JumpsellerVariant
from puente_sandbox.common.http import ok
from puente_sandbox.jumpseller import search
from puente_sandbox.jumpseller.product_create import parse_create
from puente_sandbox.jumpseller.serializers import product_json, variant_json
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.jumpseller.validation import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    InvalidField,
    parse_changes,
)
from puente_sandbox.jumpseller.vendor import (
    BAD_PARAMS,
    message,
    paging,
    product_not_found,
    wrapped_object,
)


def page_of(items: Sequence[JumpsellerProduct] | Any, request: Request) -> list[dict[str, Any]]:
    page, limit = paging(request)
    start = (page - 1) * limit
    return [product_json(p) for p in islice(items, start, start + limit)]


def _parse(payload: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return parse_changes(payload, fields)
    except InvalidField as exc:
        raise message(400, str(exc)) from exc


def _variant_updates(
    store: JumpsellerStore, product: JumpsellerProduct, items: Any
) -> list[tuple[JumpsellerVariant, dict[str, Any]]]:
    """``product.variants[]`` in a product PUT: each item names one of this product's variants."""
    if not isinstance(items, list):
        raise message(400, BAD_PARAMS)
    updates = []
    for item in items:
        variant_id = item.get("id") if isinstance(item, dict) else None
        variant = store.variant(product, variant_id) if isinstance(variant_id, int) else None
        if variant is None:
            raise message(400, BAD_PARAMS)
        updates.append((variant, _parse(item, VARIANT_FIELDS)))
    return updates


def build_product_router(store: JumpsellerStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def get_product(raw_id: str) -> JumpsellerProduct:
        try:
            product = store.products.get(int(raw_id))
        except ValueError:
            product = None
        if product is None:
            raise product_not_found()
        return product

    def get_variant(product: JumpsellerProduct, raw_id: str) -> JumpsellerVariant:
        try:
            variant = store.variant(product, int(raw_id))
        except ValueError:
            variant = None
        if variant is None:
            raise product_not_found()  # the spec documents "Product Not Found." for variants too
        return variant

    @router.get("/products.json")
    async def list_products(request: Request) -> JSONResponse:
        return ok(page_of(store.products.values(), request))

    @router.post("/products.json")
    async def create_product(request: Request) -> JSONResponse:
        payload = await wrapped_object(request, "product")
        try:
            fields, variants = parse_create(payload)
        except InvalidField as exc:
            raise message(400, str(exc)) from exc
        return ok(product_json(store.add_product(fields, variants)))

    @router.get("/products/count.json")
    async def count_products() -> JSONResponse:
        return ok({"count": len(store.products)})

    @router.get("/products/search.json")
    async def search_products(request: Request) -> JSONResponse:
        query = request.query_params.get("query", "").strip()
        if not query:
            raise message(404, "Invalid query.")
        fields = search.parse_fields(request.query_params.get("fields"))
        wanted_status = request.query_params.get("status")
        found = [
            p
            for p in store.products.values()
            if (wanted_status is None or p.status == wanted_status) and search.matches(p, query, fields)
        ]
        return ok(page_of(found, request))

    @router.get("/products/{product_id}.json")
    async def get_product_route(product_id: str) -> JSONResponse:
        return ok(product_json(get_product(product_id)))

    @router.put("/products/{product_id}.json")
    async def update_product(product_id: str, request: Request) -> JSONResponse:
        product = get_product(product_id)
        payload = await wrapped_object(request, "product")
        changes = _parse(payload, PRODUCT_FIELDS)
        variant_updates = (
            _variant_updates(store, product, payload["variants"]) if "variants" in payload else []
        )
        moved = False
        for variant, variant_changes in variant_updates:
            moved = store.apply_variant_changes(product, variant, variant_changes, notify=False) or moved
        store.apply_product_changes(product, changes, stock_changed=moved)
        return ok(product_json(product))

    @router.get("/products/{product_id}/variants.json")
    async def list_variants(product_id: str) -> JSONResponse:
        return ok([variant_json(v) for v in get_product(product_id).variants])

    @router.get("/products/{product_id}/variants/{variant_id}.json")
    async def get_variant_route(product_id: str, variant_id: str) -> JSONResponse:
        return ok(variant_json(get_variant(get_product(product_id), variant_id)))

    @router.put("/products/{product_id}/variants/{variant_id}.json")
    async def update_variant(product_id: str, variant_id: str, request: Request) -> JSONResponse:
        product = get_product(product_id)
        variant = get_variant(product, variant_id)
        changes = _parse(await wrapped_object(request, "variant"), VARIANT_FIELDS)
        store.apply_variant_changes(product, variant, changes)
        return ok(variant_json(variant))

    return router
