"""Jumpseller orders and order documents (``/v1/orders*``): what an invoicing flow reads and writes.

Contract (official OpenAPI spec unless marked inferred):

* ``GET /v1/orders.json?page&limit&status_filters[]&fulfillment_filters&dateFilter&initialDate&
  finalDate&fields``: bare array of ``{"order": {...}}``, **newest first** (id descending, as a
  live store was observed to answer), ``limit`` default 50, clamped to 100. Filters: see
  :mod:`order_filters`.
* ``GET /v1/orders/count.json``: ``{"count": n}`` over every order, abandoned carts included; it
  takes no filters (the spec lists none).
* ``GET /v1/orders/status/{paid|pending_payment|canceled|abandoned}.json``: newest first, paged;
  any other status is 404 ``{"message": "Status Invalid."}``.
* ``GET /v1/orders/after/{id}.json?page&limit``: orders with a greater id, **ascending** (the
  spec: "after/5000 will return Order 5001, 5002, 5003"). The spec types the 200 body as one
  ``Order``, but its own description and a real client (``JsonConvert`` into an array) say a
  list; the sandbox answers a list. An id that is no order is 404 ``Order Not Found.``, as the
  spec documents for this path (so start a first sync from ``/orders.json``, not ``after/0``).
* ``GET /v1/orders/{id}.json``: ``{"order": {...}}`` or 404 ``{"message": "Order Not Found."}``.
* ``POST /v1/orders/{id}/documents.json`` body ``{"document": {document_type, external_id,
  public_id, url, app_code}}`` (``Content-Type: application/json``): **200** (the spec's only
  response) with ``{"document": {document_type, external_id, public_id, url, order_id,
  app_code}}``. ``document_type`` is 0 (credit note) or 1 (invoice); the spec's own samples send
  the strings ``"0 - credit note"``/``"1 - invoice"``, which are accepted too and stored as the
  integer. ``document_type`` and a non-blank ``public_id`` are required (inferred: documents are
  addressed by ``public_id``), else 400 ``BadParams``. There is **no idempotency**: posting the
  same document twice links it twice, so check ``GET`` first. Unknown order: 404.
* ``GET /v1/orders/{id}/documents.json``: array of ``{"document": {...}}`` in creation order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.jumpseller import order_filters
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.jumpseller.vendor import BAD_PARAMS, message, paging, wrapped_object
from puente_sandbox.order_models import STATUS_LABELS, JumpsellerOrder

ORDER_NOT_FOUND = "Order Not Found."
STATUS_INVALID = "Status Invalid."
DOCUMENT_TYPES: dict[int | str, int] = {0: 0, 1: 1, "0": 0, "1": 1, "0 - credit note": 0, "1 - invoice": 1}
DOCUMENT_TEXT_FIELDS = ("external_id", "public_id", "url", "app_code")


def page_of(orders: Sequence[JumpsellerOrder], request: Request) -> list[dict[str, Any]]:
    page, limit = paging(request)
    start = (page - 1) * limit
    project = order_filters.projector(request)
    return [project(o) for o in islice(orders, start, start + limit)]


def parse_document(payload: dict[str, Any]) -> dict[str, Any]:
    raw_type = payload.get("document_type")
    hashable = isinstance(raw_type, int | str) and not isinstance(raw_type, bool)
    document_type = DOCUMENT_TYPES.get(raw_type) if hashable else None
    if document_type is None:
        raise message(400, BAD_PARAMS)
    document: dict[str, Any] = {"document_type": document_type}
    for name in DOCUMENT_TEXT_FIELDS:
        value = payload.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise message(400, BAD_PARAMS)
        document[name] = None if value is None else str(value)
    if not (document["public_id"] or "").strip():
        raise message(400, BAD_PARAMS)
    return document


def document_json(stored: dict[str, Any]) -> dict[str, Any]:
    keys = ("document_type", "external_id", "public_id", "url", "order_id", "app_code")
    return {"document": {k: stored.get(k) for k in keys}}


def build_order_router(store: JumpsellerStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def get_order(raw_id: str) -> JumpsellerOrder:
        try:
            order = store.orders.get(int(raw_id))
        except ValueError:
            order = None
        if order is None:
            raise message(404, ORDER_NOT_FOUND)
        return order

    @router.get("/orders.json")
    async def list_orders(request: Request) -> JSONResponse:
        found = order_filters.select(store.orders_newest_first(), request, store.today())
        return ok(page_of(found, request))

    @router.get("/orders/count.json")
    async def count_orders() -> JSONResponse:
        return ok({"count": len(store.orders)})

    @router.get("/orders/status/{status}.json")
    async def orders_by_status(status: str, request: Request) -> JSONResponse:
        if status not in STATUS_LABELS:
            raise message(404, STATUS_INVALID)
        found = [o for o in store.orders_newest_first() if o.status_enum == status]
        return ok(page_of(found, request))

    @router.get("/orders/after/{order_id}.json")
    async def orders_after(order_id: str, request: Request) -> JSONResponse:
        anchor = get_order(order_id).id
        newer = [store.orders[i] for i in sorted(i for i in store.orders if i > anchor)]
        return ok(page_of(newer, request))

    @router.get("/orders/{order_id}.json")
    async def get_order_route(order_id: str) -> JSONResponse:
        return ok(get_order(order_id).as_json())

    @router.get("/orders/{order_id}/documents.json")
    async def list_documents(order_id: str) -> JSONResponse:
        order = get_order(order_id)
        return ok([document_json(d) for d in store.documents_of(order.id)])

    @router.post("/orders/{order_id}/documents.json")
    async def create_document(order_id: str, request: Request) -> JSONResponse:
        order = get_order(order_id)
        document = parse_document(await wrapped_object(request, "document"))
        return ok(document_json(store.add_document(order.id, document)))

    return router
