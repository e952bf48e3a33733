"""Mercado Libre test helpers under ``/_sandbox``: act as the seller and Mercado Libre, look inside.

* ``GET /_sandbox/orders[?status=]``: every order by ``date_created``, each with ``_logistic_type``
  (its shipment's, or null) added (never present on the vendor API).
* ``POST /_sandbox/orders/{id}`` ``{"status"}``: change an order's status ("the buyer cancelled");
  ``last_updated`` becomes now.
* ``POST /_sandbox/orders/arrive`` ``{"like", "id", "date_created"}``: a new order, a copy of order
  ``like`` with that id and creation instant (a buyer ordering just now).
* ``POST /_sandbox/tokens/expire`` ``{"token"?: str}``: expire that access token (default: every
  live one); the next call with it gets 401 ``invalid access token``, as after 6 hours.
* ``GET /_sandbox/tokens``: ``{"live_refresh_tokens", "refreshes", "live_access_tokens"}`` (the
  refresh token currently valid for the app, after rotations).
* ``POST /_sandbox/authorize``: ``{"code"}``, as if the seller consented again; exchange it at
  ``POST /oauth/token`` (``grant_type=authorization_code``) for a fresh token pair.
"""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.mercadolibre.routes_orders import STATUSES
from puente_sandbox.mercadolibre.seed import meli_timestamp
from puente_sandbox.mercadolibre.store import MercadoLibreStore, parse_instant


def build_mercadolibre_inspection_router(store: MercadoLibreStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    def logistic(order: dict) -> str | None:
        shipment = store.shipments.get(order["shipping"]["id"]) if order["shipping"]["id"] else None
        return shipment["logistic_type"] if shipment else None

    @router.get("/orders")
    async def orders(request: Request) -> JSONResponse:
        status = request.query_params.get("status")
        ordered = sorted(store.orders.values(), key=lambda o: (parse_instant(o["date_created"]), o["id"]))
        found = [o for o in ordered if status in (None, o["status"])]
        return ok([{**o, "_logistic_type": logistic(o)} for o in found])

    @router.post("/orders/arrive")
    async def arrive(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
            like, new_id = store.orders[int(body["like"])], int(body["id"])
            created = parse_instant(str(body["date_created"]))
        except (ValueError, KeyError, TypeError) as exc:
            return inspection_error(f"expected {{'like': <order id>, 'id': <new id>, 'date_created'}}: {exc}")
        if new_id in store.orders:
            return inspection_error(f"order {new_id} exists")
        stamp = meli_timestamp(created)
        order = {**copy.deepcopy(like), "id": new_id, "date_created": stamp, "date_closed": stamp,
                 "last_updated": stamp}
        return ok(store.add_order(order))

    @router.post("/orders/{order_id}")
    async def set_status(order_id: int, request: Request) -> JSONResponse:
        if order_id not in store.orders:
            return inspection_error(f"unknown order {order_id}", 404)
        try:
            status = (await read_json_object(request)).get("status")
        except ValueError as exc:
            return inspection_error(str(exc))
        if status not in STATUSES:
            return inspection_error(f"status must be one of {sorted(STATUSES)}")
        return ok(store.set_order_status(order_id, status))

    @router.get("/tokens")
    async def tokens() -> JSONResponse:
        live = [t for t in store.access_tokens if store.token_user(t) is not None]
        return ok({"live_refresh_tokens": store.live_refresh_tokens(), "refreshes": store.refreshes,
                   "live_access_tokens": len(live)})  # fmt: skip

    @router.post("/tokens/expire")
    async def expire(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        return ok({"expired": store.expire_tokens(body.get("token"))})

    @router.post("/authorize")
    async def authorize() -> JSONResponse:
        return ok({"code": store.new_code(), "redirect_uri": store.redirect_uri})

    return router
