"""``GET /missed_feeds`` (the vendor API) and the application manager's notification settings (``/_sandbox``).

* ``GET /missed_feeds?app_id=&topic=&offset=&limit=`` (authenticated): notifications whose retries
  ran out in the last 2 days, ``{"messages": [...], "total", "offset", "limit"}`` (envelope
  inferred from client code); ``app_id`` must be the application's (403 otherwise, inferred).
* ``POST /_sandbox/notifications/config`` ``{"callback_url", "topics"?, "timeout_s"?,
  "retry_delays_s"?}``: what the developer sets in the application manager ("Callback URL de
  notificaciones" and the topics); the timing fields let tests shorten Mercado Libre's hour of
  retries. ``GET`` the same path shows the settings.
* ``GET /_sandbox/notifications``: every notification with its attempts (status or error, seconds)
  and state ``pending | delivered | missed``; ``?wait=1`` first waits (up to 10 s) until none is pending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.mercadolibre.notifications import MercadoLibreNotifier
from puente_sandbox.mercadolibre.routes_orders import PAGE_MAX
from puente_sandbox.mercadolibre.store import MercadoLibreStore
from puente_sandbox.mercadolibre.vendor import bad_request, forbidden


def build_missed_feeds_router(store: MercadoLibreStore, notifier: MercadoLibreNotifier,
                              auth: Callable[[Request], int]) -> APIRouter:
    router = APIRouter()

    @router.get("/missed_feeds")
    async def missed_feeds(request: Request, user: int = Depends(auth)) -> JSONResponse:
        q = request.query_params
        if not q.get("app_id"):
            raise bad_request("the app_id parameter is required")
        if q["app_id"] != str(store.client_id):
            raise forbidden()
        try:
            offset, limit = int(q.get("offset") or 0), min(int(q.get("limit") or PAGE_MAX), PAGE_MAX)
        except ValueError:
            raise bad_request("offset and limit must be numbers") from None
        found = notifier.missed(q.get("topic"))
        return ok({"messages": found[offset : offset + limit], "total": len(found), "offset": offset,
                   "limit": limit})

    return router


def build_notifications_inspection_router(notifier: MercadoLibreNotifier) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/notifications/config")
    async def settings() -> JSONResponse:
        return ok(notifier.settings())

    @router.post("/notifications/config")
    async def configure(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
            topics = body.get("topics")
            if topics is not None and not (isinstance(topics, list) and all(isinstance(t, str) for t in topics)):
                raise ValueError("topics must be a list of strings")
            return ok(notifier.configure(body.get("callback_url"), topics, timeout_s=body.get("timeout_s"),
                                         retry_delays_s=body.get("retry_delays_s")))
        except (ValueError, TypeError) as exc:
            return inspection_error(f"expected {{'callback_url', 'topics'?, 'timeout_s'?, 'retry_delays_s'?}}: {exc}")

    @router.get("/notifications")
    async def deliveries(request: Request) -> JSONResponse:
        if request.query_params.get("wait"):
            await asyncio.to_thread(notifier.wait_idle, 10.0)
        return ok([delivery.summary() for delivery in notifier.deliveries()])

    return router
