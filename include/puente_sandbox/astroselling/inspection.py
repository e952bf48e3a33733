"""Astroselling test helpers under ``/_sandbox``: act as the merchant in the web app, and look inside.

* ``GET /_sandbox/products[?channel_id=]``: ``{channel id: [products]}`` (every channel, or one).
* ``GET /_sandbox/orders``: every order, creation order of the store.
* ``POST /_sandbox/orders``: add an order (defaults fill what is missing; ``total`` follows the
  lines and shipping unless given) or, when ``id`` exists, merge the body into it (e.g.
  ``{"id": "AS-100003", "status": "cancelled"}``). 200 with the order; 400 on an unknown channel
  or status. Orders arriving from a marketplace have no API at all, so this is how tests add them.
* ``POST /_sandbox/token/rotate`` ``{"api_token"?: str}``: "generate a new key" in *Mi cuenta*;
  the old key gets 401 at once (documented behaviour). Answers the new key.
* ``GET /_sandbox/channels``: the channels, foreign ids included (``foreign_channels``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX


def build_astroselling_inspection_router(store: AstrosellingStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/products")
    async def products(request: Request) -> JSONResponse:
        wanted = request.query_params.get("channel_id")
        return ok(
            {
                str(channel): list(listed.values())
                for channel, listed in store.products.items()
                if wanted is None or str(channel) == wanted
            }
        )

    @router.get("/orders")
    async def orders() -> JSONResponse:
        return ok(list(store.orders.values()))

    @router.post("/orders")
    async def upsert_order(request: Request) -> JSONResponse:
        try:
            return ok(store.upsert_order(await read_json_object(request)))
        except (ValueError, TypeError) as exc:
            return inspection_error(str(exc))

    @router.post("/token/rotate")
    async def rotate_token(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        return ok({"api_token": store.rotate_token(body.get("api_token"))})

    @router.get("/channels")
    async def channels() -> JSONResponse:
        return ok({"channels": list(store.channels.values()), "foreign_channels": sorted(store.foreign_channels)})

    return router
