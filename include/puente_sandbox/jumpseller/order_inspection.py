"""Jumpseller order helpers under ``/_sandbox``: act as shoppers and the merchant, set the clock.

* ``POST /_sandbox/orders`` ``{"orders": [{...}, ...]}``: add or replace orders. Each item is an
  ``order`` object (bare, or wrapped as ``{"order": {...}}``). For an existing id the given keys
  are merged over the stored order (``{"id": 1005, "status_enum": "paid"}`` pays order 1005); a
  new id starts from a blank pending order and needs ``created_at`` (``"2024-05-02 14:00:00 UTC"``
  or ISO 8601 with an offset). Setting ``status_enum`` alone also sets ``status``/``status_name``;
  sending ``products`` (or ``shipping``) without ``total`` recomputes the gross amounts. Answers
  the stored orders. Orders hold stock as Jumpseller's do (:mod:`order_stock`): a new order in
  ``pending_payment``/``paid`` takes its lines' units, a change to ``canceled``/``abandoned`` gives
  them back; an order wanting more than a listing has is 409 (items before it are kept). Each
  stored order is delivered to the hooks of ``order_updated`` and, when its status changed, of
  ``order_<status>`` (:mod:`hooks`).
* ``PUT /_sandbox/orders/{id}`` ``{"status_enum": "canceled"}``: change one stored order (the same
  merge, as the merchant's status button or ``PUT /v1/orders/{id}.json`` would); 404 if unknown.
* ``GET /_sandbox/orders/documents``: every order document ever linked, in creation order, each
  with its ``order_id``.
* ``GET /_sandbox/clock`` / ``POST /_sandbox/clock`` ``{"now": "2024-06-01T10:00:00-04:00"}`` (a
  naive time is store time, America/Santiago) or ``{"today": "2024-05-20"}`` (noon store time):
  the clock ``dateFilter=today|yesterday|last…days`` is relative to.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.jumpseller.order_stock import NotEnoughStock
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.order_models import STATUS_LABELS, STORE_TZ, JumpsellerOrder, parse_timestamp
from puente_sandbox.orders_fields import blank_fields, money


def merge_order(store: JumpsellerStore, item: Any) -> JumpsellerOrder:
    """Validate one inspection item and build the order record (raises ValueError)."""
    if not isinstance(item, dict):
        raise ValueError("each order must be an object")
    given = item["order"] if isinstance(item.get("order"), dict) else item
    try:
        order_id = int(given["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("each order needs an integer 'id'") from exc
    existing = store.orders.get(order_id)
    if existing is None and "created_at" not in given:
        raise ValueError(f"new order {order_id} needs 'created_at'")
    base = dict(existing.fields) if existing else blank_fields(order_id, parse_timestamp(str(given["created_at"])))
    merged = {**base, **given, "id": order_id}
    status = merged.get("status_enum")
    if status not in STATUS_LABELS:
        raise ValueError(f"status_enum must be one of {sorted(STATUS_LABELS)}")
    if "status_enum" in given and "status" not in given:
        merged["status"] = merged["status_name"] = STATUS_LABELS[status]
    if ("products" in given or "shipping" in given) and "total" not in given:
        merged.update(money(merged["products"], float(merged.get("shipping") or 0.0)))
    return JumpsellerOrder.from_fields(merged)


def store_orders(store: JumpsellerStore, records: list[JumpsellerOrder]) -> JSONResponse:
    """Store each record after moving the stock its status change moves; 409 when stock is short."""
    for record in records:
        try:
            planned = store.order_stock.plan(record.id, record.status_enum, record.fields)
        except NotEnoughStock as exc:
            return inspection_error(f"order {record.id}: {exc}", 409)
        store.order_stock.apply(record.id, record.status_enum, planned)
        before = store.orders.get(record.id)
        store.orders[record.id] = record
        if store.hooks.hooks:  # signed deliveries to the registered hooks (:mod:`hooks`)
            store.hooks.order_changed(record.as_json(), before.status_enum if before else None)
    return ok([record.as_json() for record in records])


def parse_clock(body: dict[str, Any]) -> datetime:
    if "today" in body:
        return datetime.combine(date.fromisoformat(str(body["today"])), time(12), STORE_TZ).astimezone(UTC)
    moment = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STORE_TZ)
    return moment.astimezone(UTC)


def clock_json(store: JumpsellerStore) -> dict[str, Any]:
    return {
        "now": store.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timezone": str(STORE_TZ),
        "today": store.today().isoformat(),
    }


def build_order_inspection_router(store: JumpsellerStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.post("/orders")
    async def upsert_orders(request: Request) -> JSONResponse:
        try:
            items = (await read_json_object(request)).get("orders")
            if not isinstance(items, list):
                raise ValueError("expected {'orders': [...]}")
            records = [merge_order(store, item) for item in items]
        except (ValueError, KeyError, TypeError) as exc:
            return inspection_error(str(exc))
        return store_orders(store, records)

    @router.put("/orders/{order_id}")
    async def change_order(order_id: int, request: Request) -> JSONResponse:
        if order_id not in store.orders:
            return inspection_error(f"unknown order {order_id}", 404)
        try:
            record = merge_order(store, {**(await read_json_object(request)), "id": order_id})
        except (ValueError, KeyError, TypeError) as exc:
            return inspection_error(str(exc))
        return store_orders(store, [record])

    @router.get("/orders/documents")
    async def order_documents() -> JSONResponse:
        return ok(store.documents)

    @router.get("/clock")
    async def get_clock() -> JSONResponse:
        return ok(clock_json(store))

    @router.post("/clock")
    async def set_clock(request: Request) -> JSONResponse:
        try:
            store.now = parse_clock(await read_json_object(request))
        except (ValueError, KeyError) as exc:
            return inspection_error(f"need 'now' (ISO 8601) or 'today' (YYYY-MM-DD): {exc}")
        return ok(clock_json(store))

    return router
