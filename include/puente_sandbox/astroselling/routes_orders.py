"""Orders: the notes' **inferred contract**. Astroselling publishes no orders API; this mirrors the
Jupiter conventions (token, ``limit``/``offset``, ``{"data", "meta_data"}``) so flows can be built
and tested now, and must be re-checked against the vendor before production.

* ``GET orders?status=&channel_id=&created_from=&created_to=&fulfillment=&limit=&offset=``:
  ``status`` and ``channel_id`` take one value, a comma-separated list, or repeated/``[]``
  parameters (inferred); ``status`` is one of pending, shipped, completed, cancelled, other (422
  otherwise); ``created_from``/``created_to`` are ``YYYY-MM-DD`` or ISO-8601 instants, inclusive,
  naive values in Bogotá time, a bare ``created_to`` date covering its whole day (inferred);
  ``fulfillment=true|false`` filters marketplace-shipped orders (inferred). Oldest first.
* ``GET orders/{id}`` -> the order object (404 ``{"message": "Not Found."}`` when unknown).
* ``PUT orders/{id}/invoice`` ``{"invoice_number", "invoice_url"?, "cae"?, "invoiced_at"?}`` ->
  200 with the order, ``invoiced: true`` and ``invoice`` attached; re-sending replaces it
  (idempotent); ``invoice_number`` is required (422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.astroselling.seed import BOGOTA, STATUSES
from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.vendor import API_PREFIX, invalid, json_object, not_found, offset_page
from puente_sandbox.common.http import ok

TRUE, FALSE = frozenset({"1", "true", "yes"}), frozenset({"0", "false", "no"})


def multi(request: Request, name: str) -> list[str]:
    raw = request.query_params.getlist(name) + request.query_params.getlist(f"{name}[]")
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def parse_bound(raw: str, name: str, *, end: bool) -> datetime:
    """An inclusive bound as an aware datetime; a bare date as an end bound means its last instant."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid({name: [f"The {name} is not a valid date."]}) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=BOGOTA)
    if end and "T" not in raw and " " not in raw:
        value += timedelta(days=1) - timedelta(microseconds=1)
    return value


def order_filter(request: Request) -> Callable[[dict[str, Any]], bool]:
    statuses = set(multi(request, "status"))
    wrong = sorted(statuses - set(STATUSES))
    if wrong:
        raise invalid({"status": [f"The selected status is invalid: {', '.join(wrong)}."]})
    try:
        channels = {int(c) for c in multi(request, "channel_id")}
    except ValueError as exc:
        raise invalid({"channel_id": ["The channel id must be an integer."]}) from exc
    start_raw, end_raw = request.query_params.get("created_from"), request.query_params.get("created_to")
    start = parse_bound(start_raw, "created_from", end=False) if start_raw else None
    end = parse_bound(end_raw, "created_to", end=True) if end_raw else None
    fulfillment_raw = (request.query_params.get("fulfillment") or "").lower()
    if fulfillment_raw and fulfillment_raw not in TRUE | FALSE:
        raise invalid({"fulfillment": ["The fulfillment field must be true or false."]})
    fulfillment = None if not fulfillment_raw else fulfillment_raw in TRUE

    def matches(order: dict[str, Any]) -> bool:
        created = datetime.fromisoformat(order["created_at"])
        return (
            (not statuses or order["status"] in statuses)
            and (not channels or order["channel_id"] in channels)
            and (start is None or created >= start)
            and (end is None or created <= end)
            and (fulfillment is None or bool(order["fulfillment"]) is fulfillment)
        )

    return matches


def build_order_router(store: AstrosellingStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(auth)])

    @router.get("/orders")
    async def list_orders(request: Request) -> JSONResponse:
        matches = order_filter(request)
        ordered = sorted(store.orders.values(), key=lambda o: (datetime.fromisoformat(o["created_at"]), o["id"]))
        return ok(offset_page(request, [o for o in ordered if matches(o)]))

    @router.get("/orders/{order_id}")
    async def get_order(order_id: str) -> JSONResponse:
        order = store.orders.get(order_id)
        if order is None:
            raise not_found()
        return ok(order)

    @router.put("/orders/{order_id}/invoice")
    async def invoice_order(order_id: str, request: Request) -> JSONResponse:
        if order_id not in store.orders:
            raise not_found()
        body = await json_object(request)
        number = body.get("invoice_number")
        if not isinstance(number, str) or not number.strip():
            raise invalid({"invoice_number": ["The invoice number field is required."]})
        invoiced_at = body.get("invoiced_at") or datetime.now(UTC).isoformat(timespec="seconds")
        try:
            datetime.fromisoformat(str(invoiced_at).replace("Z", "+00:00"))
        except ValueError as exc:
            raise invalid({"invoiced_at": ["The invoiced at is not a valid date."]}) from exc
        invoice = {"invoice_number": number, "invoice_url": body.get("invoice_url"), "cae": body.get("cae"),
                   "invoiced_at": invoiced_at}  # fmt: skip
        return ok(store.invoice_order(order_id, invoice))

    return router
