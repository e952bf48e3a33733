"""Bsale products and variants (``/v1/products*``, ``/v1/variants*``): read-only for Puente."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.serializers import product_json, variant_json
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.bsale.vendor import as_int, not_found
from puente_sandbox.catalog_models import BsaleProduct, BsaleVariant
from puente_sandbox.common.http import ok


def filter_variants(store: BsaleStore, request: Request) -> list[BsaleVariant]:
    """Filters from the Variantes page: description, barcode, code (SKU), productid, state."""
    codes = q.query_values(request, "code")
    barcodes = q.query_values(request, "barcode")
    product_ids = q.query_ints(request, "productid")
    states = q.query_ints(request, "state")
    description = request.query_params.get("description")
    if codes is not None:
        candidates = [v for c in dict.fromkeys(codes) if (v := store.variant_by_code(c)) is not None]
        candidates.sort(key=lambda v: v.id)
    else:
        candidates = list(store.variants.values())
    return q.filter_records(
        candidates,
        None if barcodes is None else (lambda v: v.bar_code in barcodes),
        q.in_set(product_ids, lambda v: v.product_id),
        q.in_set(states, lambda v: v.state),
        q.contains(description, lambda v: v.description),
    )


def filter_products(store: BsaleStore, request: Request) -> list[BsaleProduct]:
    states = q.query_ints(request, "state")
    classes = q.query_ints(request, "classification")
    types = q.query_ints(request, "producttypeid")
    name = request.query_params.get("name")
    return q.filter_records(
        store.products.values(),
        q.in_set(states, lambda p: p.state),
        q.in_set(classes, lambda p: p.classification),
        q.in_set(types, lambda p: p.product_type_id),
        q.contains(name, lambda p: p.name),
    )


def build_catalog_router(store: BsaleStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def variant_serializer(request: Request) -> Callable[[BsaleVariant], dict[str, Any]]:
        base = q.base_url(request)
        expand_product = "product" in q.expand_set(request)

        def serialize(v: BsaleVariant) -> dict[str, Any]:
            product = product_json(base, store.products[v.product_id]) if expand_product else None
            return variant_json(base, v, product)

        return serialize

    def get_variant(raw_id: str) -> BsaleVariant:
        variant_id = as_int(raw_id)
        variant = store.variants.get(variant_id) if variant_id is not None else None
        if variant is None:
            raise not_found("variant")
        return variant

    def get_product(raw_id: str) -> BsaleProduct:
        product_id = as_int(raw_id)
        product = store.products.get(product_id) if product_id is not None else None
        if product is None:
            raise not_found("product")
        return product

    @router.get("/variants.json")
    async def list_variants(request: Request) -> JSONResponse:
        return ok(q.envelope(request, filter_variants(store, request), variant_serializer(request)))

    @router.get("/variants/count.json")
    async def count_variants(request: Request) -> JSONResponse:
        return ok({"count": len(filter_variants(store, request))})

    @router.get("/variants/{variant_id}.json")
    async def get_variant_route(variant_id: str, request: Request) -> JSONResponse:
        return ok(q.select_fields(variant_serializer(request)(get_variant(variant_id)), request))

    @router.get("/products.json")
    async def list_products(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, filter_products(store, request), lambda p: product_json(base, p)))

    @router.get("/products/count.json")
    async def count_products(request: Request) -> JSONResponse:
        return ok({"count": len(filter_products(store, request))})

    @router.get("/products/{product_id}.json")
    async def get_product_route(product_id: str, request: Request) -> JSONResponse:
        return ok(q.select_fields(product_json(q.base_url(request), get_product(product_id)), request))

    @router.get("/products/{product_id}/variants.json")
    async def product_variants(product_id: str, request: Request) -> JSONResponse:
        product = get_product(product_id)
        return ok(q.envelope(request, store.variants_of(product.id), variant_serializer(request)))

    return router
