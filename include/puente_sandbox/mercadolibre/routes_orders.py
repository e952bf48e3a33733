"""The seller's reads: ``/users/me``, ``/orders/search``, ``/orders/{id}``, billing info, shipments.

Documented (../shared/vendor-apis/mercadolibre.md §2-3 and the "Datos de facturación" pages):

* ``GET /orders/search?seller=&order.status=&order.date_created.from=&order.date_created.to=
  &order.date_last_updated.from=&...to=&sort=date_asc|date_desc&offset=&limit=`` answers
  ``{"query", "results", "sort", "available_sorts", "filters", "paging": {"total", "offset",
  "limit"}}`` with full order objects. ``seller`` must be the token's user (else the documented
  403 ``access_denied``). (inferred) ``limit`` defaults to 50 and is clamped to 50 (the notes: max
  51 for orders, the emulator clamps to 50); ``offset`` beyond 10 000 is a 400 (clients stop near
  9 950); the default sort is ``date_asc``; ``order.status`` takes one status; dates need an offset.
* ``GET /orders/{id}``: one order (404 ``Order not found``; another seller's order is 403).
* ``GET /orders/{id}/billing_info``: with ``x-version: 2`` the v2 shape ``{"site_id", "buyer":
  {"cust_id", "billing_info": {"name", "last_name", "identification": {"type", "number"},
  "taxes", "address"}}}``; without it the v1 shape ``{"billing_info": {"doc_type", "doc_number",
  "additional_info": [{"type", "value"}]}}``. The newer ``GET /orders/billing-info/{site_id}/
  {billing_info_id}`` (id from ``order.buyer.billing_info.id``) answers the v2 shape too.
* ``GET /shipments/{id}``: the shipment with ``logistic_type`` (``fulfillment`` = Full). With
  ``x-format-new: true`` a ``logistic: {"mode", "type", "direction"}`` block is added (inferred
  from client code; ``logistic_type`` stays at the top level in both formats here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.mercadolibre.store import MercadoLibreStore, parse_instant
from puente_sandbox.mercadolibre.vendor import bad_request, forbidden, not_found

STATUSES = frozenset({"confirmed", "payment_required", "payment_in_process", "partially_paid", "paid",
                      "cancelled", "invalid", "shipped", "delivered"})  # fmt: skip
SORTS = {"date_asc": "Date ascending", "date_desc": "Date descending"}
PAGE_MAX, OFFSET_MAX = 50, 10_000


def _int(params: Any, name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"invalid {name}: {raw}") from None


def _instant(params: Any, name: str) -> Any:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return parse_instant(raw)
    except ValueError:
        raise bad_request(f"invalid date format for {name}: {raw}") from None


def billing_v2(store: MercadoLibreStore, order: dict[str, Any]) -> dict[str, Any]:
    info = store.billing_info(order) or {}
    return {"site_id": store.seller["site_id"], "buyer": {"cust_id": order["buyer"]["id"], "billing_info": info},
            "seller": {"id": store.seller["id"]}}  # fmt: skip


def billing_v1(store: MercadoLibreStore, order: dict[str, Any]) -> dict[str, Any]:
    info = store.billing_info(order) or {}
    ident = info.get("identification") or {}
    extra = [("FIRST_NAME", info.get("name")), ("LAST_NAME", info.get("last_name")),
             ("DOC_TYPE", ident.get("type")), ("DOC_NUMBER", ident.get("number"))]  # fmt: skip
    return {"billing_info": {"doc_type": ident.get("type"), "doc_number": ident.get("number"),
                             "additional_info": [{"type": t, "value": v} for t, v in extra if v]}}  # fmt: skip


def build_orders_router(store: MercadoLibreStore, auth: Callable[[Request], int]) -> APIRouter:
    router = APIRouter()

    def owned(order_id: str, user: int) -> dict[str, Any]:
        order = store.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None:
            raise not_found("Order")
        if order["seller"]["id"] != user:
            raise forbidden()
        return order

    @router.get("/users/me")
    async def me(user: int = Depends(auth)) -> JSONResponse:
        return ok(store.seller)

    @router.get("/orders/search")
    async def search(request: Request, user: int = Depends(auth)) -> JSONResponse:
        q = request.query_params
        seller = q.get("seller")
        if not seller:
            raise bad_request("the seller or buyer parameter is required")
        if seller != str(user):
            raise forbidden()
        status, sort = q.get("order.status"), q.get("sort") or "date_asc"
        if status and status not in STATUSES:
            raise bad_request(f"invalid order.status: {status}")
        if sort not in SORTS:
            raise bad_request(f"invalid sort: {sort}")
        offset, limit = _int(q, "offset", 0), _int(q, "limit", PAGE_MAX)
        if offset < 0 or limit < 1:
            raise bad_request("offset must be >= 0 and limit >= 1")
        if offset > OFFSET_MAX:
            raise bad_request(f"the offset cannot exceed {OFFSET_MAX}")
        limit = min(limit, PAGE_MAX)
        found = store.search_orders(
            status=status,
            created_from=_instant(q, "order.date_created.from"),
            created_to=_instant(q, "order.date_created.to"),
            updated_from=_instant(q, "order.date_last_updated.from"),
            updated_to=_instant(q, "order.date_last_updated.to"),
            descending=sort == "date_desc",
        )
        filters = [{"id": k, "values": [{"id": v}]} for k, v in q.items() if k.startswith("order.") or k == "seller"]
        return ok({
            "query": q.get("q"), "results": found[offset : offset + limit],
            "sort": {"id": sort, "name": SORTS[sort]},
            "available_sorts": [{"id": k, "name": v} for k, v in SORTS.items() if k != sort],
            "filters": filters, "paging": {"total": len(found), "offset": offset, "limit": limit},
            "display": "complete",
        })  # fmt: skip

    @router.get("/orders/billing-info/{site_id}/{billing_info_id}")
    async def billing_by_id(site_id: str, billing_info_id: str, user: int = Depends(auth)) -> JSONResponse:
        order = next(
            (o for o in store.orders.values() if (o["buyer"].get("billing_info") or {}).get("id") == billing_info_id),
            None,
        )
        if order is None or site_id != store.seller["site_id"]:
            raise not_found("Billing info")
        if order["seller"]["id"] != user:
            raise forbidden()
        return ok(billing_v2(store, order))

    @router.get("/orders/{order_id}")
    async def order(order_id: str, user: int = Depends(auth)) -> JSONResponse:
        return ok(owned(order_id, user))

    @router.get("/orders/{order_id}/billing_info")
    async def billing(order_id: str, request: Request, user: int = Depends(auth)) -> JSONResponse:
        found = owned(order_id, user)
        v2 = request.headers.get("x-version", "").strip() == "2"
        return ok(billing_v2(store, found) if v2 else billing_v1(store, found))

    @router.get("/shipments/{shipment_id}")
    async def shipment(shipment_id: str, request: Request, user: int = Depends(auth)) -> JSONResponse:
        found = store.shipments.get(int(shipment_id)) if shipment_id.isdigit() else None
        if found is None:
            raise not_found("Shipment")
        if found["sender_id"] != user:
            raise forbidden()
        if request.headers.get("x-format-new", "").lower() == "true":
            found = {
                **found,
                "logistic": {"mode": found["mode"], "type": found["logistic_type"], "direction": "forward"},
            }
        return ok(found)

    return router
