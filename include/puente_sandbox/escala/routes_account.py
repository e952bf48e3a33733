"""Escala account data: pipelines (with stages), users (owners) and products.

From the notes: ``GET /crm/pipelines?page=&size=`` with stages nested (no stages endpoint),
``GET /pms/products?page=&size=`` -> ``{"items", "total"}`` and ``DELETE /pms/products/{id}``.
Inferred: ``GET /crm/users?page=&size=`` (no source showed a users endpoint; the notes sketch
it), a product ``code`` and the ``?code=`` filter (repeated or comma-separated), which is how
invoice lines are matched to products "por código".
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.http import ok
from puente_sandbox.escala.models import pipeline_json, product_json, user_json
from puente_sandbox.escala.store import EscalaStore
from puente_sandbox.escala.vendor import not_found, page_envelope, page_params


def query_codes(request: Request) -> list[str] | None:
    raw = request.query_params.getlist("code")
    if not raw:
        return None
    return [code for item in raw for code in item.split(",")]


def build_account_router(store: EscalaStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    @router.get("/crm/pipelines")
    async def list_pipelines(request: Request) -> JSONResponse:
        return ok(page_envelope(list(store.pipelines.values()), *page_params(request), pipeline_json))

    @router.get("/crm/users")
    async def list_users(request: Request) -> JSONResponse:
        return ok(page_envelope(list(store.users.values()), *page_params(request), user_json))

    @router.get("/pms/products")
    async def list_products(request: Request) -> JSONResponse:
        return ok(page_envelope(store.products_by_codes(query_codes(request)), *page_params(request), product_json))

    @router.get("/pms/products/{product_id}")
    async def get_product(product_id: str) -> JSONResponse:
        product = store.products.get(product_id)
        if product is None:
            raise not_found()
        return ok(product_json(product))

    @router.delete("/pms/products/{product_id}")
    async def delete_product(product_id: str) -> Response:
        if store.products.pop(product_id, None) is None:
            raise not_found()
        return Response(status_code=204)

    return router
