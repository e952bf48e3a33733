"""Contabilium test helpers under ``/_sandbox``: look inside the account, and act as its owner.

* ``GET /_sandbox/invoices``: every comprobante, creation order, drafts included, with
  ``_created`` (never on the vendor API).
* ``GET /_sandbox/emails``: every e-mail sent by ``enviarMail`` (``IdComprobante``, ``Email``,
  ``Numero``, ``TipoFc``, ``sent_at``), in order.
* ``GET /_sandbox/clients``: every client, creation order.
* ``GET /_sandbox/stock``: ``{"<SKU>": {"<depósito id>": StockConReservas, ...}, ...}`` for every
  product with stock rows.
* ``POST /_sandbox/stock`` ``{"deposit": id, "sku": str, "actual": int, "reserved"?: int}``: the
  merchant adjusts stock in Contabilium.
* ``POST /_sandbox/tokens/expire`` ``{"token"?: str}``: revoke that token (default: every live
  one); the next API call with it gets 401, as after the 86399 s lifetime.

Counters, faults and the write log come from the shared ``/_sandbox`` routes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.contabilium.store import ContabiliumStore


def stock_view(store: ContabiliumStore) -> dict[str, dict[str, int]]:
    view: dict[str, dict[str, int]] = {}
    for (deposit, product_id), row in store.stock.items():
        product = store.product_by_id(product_id)
        if product is not None:
            view.setdefault(product["Codigo"], {})[str(deposit)] = row["StockActual"] - row["StockReservado"]
    return view


def build_contabilium_inspection_router(store: ContabiliumStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/invoices")
    async def invoices() -> JSONResponse:
        return ok(list(store.invoices.values()))

    @router.get("/emails")
    async def emails() -> JSONResponse:
        return ok(store.emails)

    @router.get("/clients")
    async def clients() -> JSONResponse:
        return ok(store.clients)

    @router.get("/stock")
    async def stock() -> JSONResponse:
        return ok(stock_view(store))

    @router.post("/stock")
    async def set_stock(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
            store.set_stock(int(body["deposit"]), str(body["sku"]), int(body["actual"]), int(body.get("reserved", 0)))
        except (ValueError, KeyError, TypeError) as exc:
            return inspection_error(f"bad stock change: {exc}")
        return ok(stock_view(store))

    @router.post("/tokens/expire")
    async def expire_tokens(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        return ok({"expired": store.expire_tokens(body.get("token"))})

    return router
