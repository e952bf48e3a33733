"""``/v1/webhooks`` (subscriptions, see :mod:`webhooks` for the contract) and the ``/_sandbox`` helpers
that change products the way a merchant does in Siigo Nube, firing the webhook events.

Inspection (no auth):

* ``POST /_sandbox/products/{code}/stock`` ``{"quantity", "warehouse_id"?}``: ``products.stock.update``;
* ``POST /_sandbox/products/{code}`` ``{"name"?, "price"?, "position"?, "active"?}``: ``products.update``;
* ``POST /_sandbox/products`` ``{"like": <code>, "code"}``: a new product, ``products.create``;
* ``GET /_sandbox/webhooks/deliveries[?wait=1]``: every delivery with its attempts and state;
* ``POST /_sandbox/webhooks/delivery`` ``{"timeout_s"?, "retry_delays_s"?}``: the delivery timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.siigo.paging import page_envelope
from puente_sandbox.siigo.product_changes import change_stock, create_product, edit_product
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import json_object


def build_webhook_router(store: SiigoStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])
    hooks = store.webhooks

    @router.post("/webhooks")
    async def subscribe(request: Request) -> JSONResponse:
        return ok(hooks.subscribe(await json_object(request)), 201)

    @router.put("/webhooks")
    async def edit(request: Request) -> JSONResponse:
        return ok(hooks.edit(await json_object(request)), 201)  # the Blueprint documents 201 here too

    @router.get("/webhooks")
    async def subscriptions(request: Request) -> JSONResponse:
        return ok(page_envelope(request, list(hooks.subscriptions.values()), lambda s: s))

    @router.delete("/webhooks/{webhook_id}")
    async def delete(webhook_id: str) -> JSONResponse:
        return ok(hooks.delete(webhook_id))

    return router


def build_product_changes_router(store: SiigoStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    def product(code: str):
        found = store.product_by_code(code)
        if found is None:
            raise LookupError(f"unknown product {code!r}")
        return found

    async def act(request: Request, action) -> JSONResponse:
        try:
            return ok(action(await read_json_object(request)))
        except LookupError as exc:
            return inspection_error(str(exc.args[0]), 404)
        except (ValueError, TypeError, KeyError) as exc:
            return inspection_error(f"{exc.__class__.__name__}: {exc}")

    @router.post("/products/{code}/stock")
    async def stock(code: str, request: Request) -> JSONResponse:
        return await act(request, lambda body: change_stock(store, product(code), float(body["quantity"]),
                                                            body.get("warehouse_id")))

    @router.post("/products/{code}")
    async def edit(code: str, request: Request) -> JSONResponse:
        return await act(request, lambda body: edit_product(store, product(code), body))

    @router.post("/products")
    async def create(request: Request) -> JSONResponse:
        return await act(request, lambda body: create_product(store, product(str(body["like"])), str(body["code"])))

    @router.get("/webhooks/deliveries")
    async def deliveries(request: Request) -> JSONResponse:
        if request.query_params.get("wait"):
            await asyncio.to_thread(store.webhooks.wait_idle, 10.0)
        return ok([delivery.summary() for delivery in store.webhooks.deliveries()])

    @router.post("/webhooks/delivery")
    async def delivery(request: Request) -> JSONResponse:
        return await act(request, lambda body: store.webhooks.configure_delivery(
            timeout_s=body.get("timeout_s"), retry_delays_s=body.get("retry_delays_s")))

    return router
