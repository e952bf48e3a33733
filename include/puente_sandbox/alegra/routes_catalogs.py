"""Items (products) and catalogs, all paged with ``start``/``limit`` and ``metadata`` (see :mod:`paging`).

* ``GET /items``: ``query`` (free text over name, reference, description and barcode: inferred
  scope), ``name`` and ``reference`` (substring / exact, both inferred), ``barcode`` (exact,
  inferred: the notes found no barcode field), ``status``, ``type``, ``inventariable``,
  ``idWarehouse`` (items with an entry for that warehouse, inferred), ``priceList_id`` (accepted;
  the item still lists every price, inferred), ``order_field`` ``id|name|reference|description``.
  ``GET /items/{id}``.
* ``GET /warehouses`` (``name``, ``status``), ``/price-lists``, ``/sellers``, ``/cost-centers``,
  ``/number-templates`` (``documentType`` filter, inferred name), ``/bank-accounts``: paged like
  every list. ``GET /taxes`` answers ``{"total": "<n>", "results": [...]}`` as documented.
  ``GET /users/self`` is the cheapest authenticated call (used by test_connection).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.alegra.paging import apply_filters, ordered, page, status_filter
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.vendor import not_found
from puente_sandbox.common.http import ok

ITEM_ORDER_FIELDS = ("name", "reference", "description")


def _contains(value: str | None, *fields: str) -> Callable[[dict[str, Any]], bool] | None:
    if not value:
        return None
    needle = value.lower()
    return lambda r: any(needle in str(r.get(f) or "").lower() for f in fields)


def _equals(value: str | None, field: str) -> Callable[[dict[str, Any]], bool] | None:
    return None if value is None else (lambda r: str(r.get(field) or "") == value)


def _in_warehouse(warehouse: str | None) -> Callable[[dict[str, Any]], bool] | None:
    if not warehouse:
        return None
    return lambda item: any(w["id"] == warehouse for w in (item.get("inventory") or {}).get("warehouses", []))


def _listing(request: Request, records: list[dict[str, Any]], *extra: Any) -> JSONResponse:
    chosen = apply_filters(records, status_filter(request), *extra)
    return ok(page(request, ordered(request, chosen, ("name",))))


def build_catalog_router(store: AlegraStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(dependencies=[Depends(auth)])

    @router.get("/items")
    async def list_items(request: Request) -> JSONResponse:
        q = request.query_params
        inventariable = q.get("inventariable")
        records = apply_filters(
            store.items,
            _contains(q.get("query"), "name", "reference", "description", "barcode"),
            _contains(q.get("name"), "name"),
            _equals(q.get("reference"), "reference"),
            _equals(q.get("barcode"), "barcode"),
            _equals(q.get("type"), "type"),
            status_filter(request),
            _in_warehouse(q.get("idWarehouse")),
            None if inventariable is None else (lambda i: i["inventariable"] == (inventariable.lower() == "true")),
        )
        return ok(page(request, ordered(request, records, ITEM_ORDER_FIELDS)))

    @router.get("/items/{item_id}")
    async def get_item(item_id: str) -> JSONResponse:
        item = store.items_by_id.get(item_id)
        if item is None:
            raise not_found("el ítem", item_id)
        return ok(item)

    @router.get("/warehouses")
    async def warehouses(request: Request) -> JSONResponse:
        return _listing(request, list(store.warehouses.values()), _contains(request.query_params.get("name"), "name"))

    @router.get("/price-lists")
    async def price_lists(request: Request) -> JSONResponse:
        return _listing(request, list(store.price_lists.values()))

    @router.get("/sellers")
    async def sellers(request: Request) -> JSONResponse:
        return _listing(request, list(store.sellers.values()))

    @router.get("/cost-centers")
    async def cost_centers(request: Request) -> JSONResponse:
        return _listing(request, list(store.cost_centers.values()))

    @router.get("/number-templates")
    async def number_templates(request: Request) -> JSONResponse:
        doc = request.query_params.get("documentType")
        return _listing(request, list(store.number_templates.values()), _equals(doc, "documentType"))

    @router.get("/bank-accounts")
    async def bank_accounts(request: Request) -> JSONResponse:
        return _listing(request, list(store.bank_accounts.values()))

    @router.get("/taxes")
    async def taxes() -> JSONResponse:
        rows = list(store.taxes.values())
        return ok({"total": str(len(rows)), "results": rows})

    @router.get("/users/self")
    async def users_self() -> JSONResponse:
        return ok(store.users[0])

    return router
