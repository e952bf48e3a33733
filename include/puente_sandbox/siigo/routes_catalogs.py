"""Siigo catalogs (Blueprint "Catálogos") and products (``/v1/products``).

Catalogs answer **bare arrays** as the Blueprint documents (``array[Tax]``, ``array[User]``...):
``/v1/taxes``, ``/v1/price-lists``, ``/v1/warehouses``, ``/v1/users``, ``/v1/cost-centers``,
``/v1/document-types?type=FV`` (``type`` filters; without it every type is listed, inferred) and
``/v1/payment-types?document_type=FV`` (``document_type`` is required: "Debes enviar el query
parameter document_type=FV (FV, NC y RC)"; FV/NC/RC list the Cartera types, inferred mapping).

``/v1/products`` is paged (see :mod:`paging`), newest first ("los productos creados más
recientemente aparecen primero"), filtered by ``code``, ``ids`` (<= 20 comma-separated GUIDs; the
Blueprint's table says ``id``, its example ``ids``: both are read), ``created_start/end`` and
``updated_start/end`` (a never-updated product matches on its creation, inferred).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.siigo.paging import apply_filters, instant_filter, last_change, page_envelope
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import invalid, not_found, required

PAYMENT_DOCUMENT_TYPES = frozenset({"FV", "NC", "RC"})
MAX_IDS = 20


def build_catalog_router(store: SiigoStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    @router.get("/taxes")
    async def taxes() -> JSONResponse:
        return ok(list(store.taxes.values()))

    @router.get("/price-lists")
    async def price_lists() -> JSONResponse:
        return ok(list(store.price_lists.values()))

    @router.get("/warehouses")
    async def warehouses() -> JSONResponse:
        return ok(list(store.warehouses.values()))

    @router.get("/users")
    async def users() -> JSONResponse:
        return ok(list(store.users.values()))

    @router.get("/cost-centers")
    async def cost_centers() -> JSONResponse:
        return ok(list(store.cost_centers.values()))

    @router.get("/document-types")
    async def document_types(request: Request) -> JSONResponse:
        wanted = request.query_params.get("type")
        return ok([d for d in store.document_types.values() if wanted is None or d["type"] == wanted.upper()])

    @router.get("/payment-types")
    async def payment_types(request: Request) -> JSONResponse:
        document_type = request.query_params.get("document_type")
        if not document_type:
            raise required("document_type")
        if document_type.upper() not in PAYMENT_DOCUMENT_TYPES:
            raise invalid("invalid_type", "The document_type must be FV, NC or RC", "document_type")
        return ok([p for p in store.payment_types.values() if p["type"] in ("Cartera", "CarteraProveedor")])

    @router.get("/products")
    async def list_products(request: Request) -> JSONResponse:
        code = request.query_params.get("code")
        raw_ids = request.query_params.get("ids") or request.query_params.get("id")
        ids = {i.strip() for i in raw_ids.split(",") if i.strip()} if raw_ids else None
        if ids is not None and len(ids) > MAX_IDS:
            raise invalid("invalid_array", f"At most {MAX_IDS} ids can be filtered at once", "ids")
        newest_first = sorted(store.products, key=lambda p: p["metadata"]["created"], reverse=True)
        records = apply_filters(
            newest_first,
            None if code is None else (lambda p: p["code"] == code),
            None if ids is None else (lambda p: p["id"] in ids),
            instant_filter(request, "created", lambda p: p["metadata"]["created"]),
            instant_filter(request, "updated", last_change),
        )
        return ok(page_envelope(request, records, lambda p: p))

    @router.get("/products/{product_id}")
    async def get_product(product_id: str) -> JSONResponse:
        product = store.product_by_id(product_id)
        if product is None:
            raise not_found("product")
        return ok(product)

    return router
