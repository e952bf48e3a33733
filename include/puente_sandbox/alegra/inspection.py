"""Alegra test helpers under ``/_sandbox`` (counters, faults and the write log are shared).

* ``GET /_sandbox/invoices[?origin=seed|api]``: every stored invoice, creation order, each with
  ``_origin`` added (never present on the vendor API).
* ``GET /_sandbox/contacts``: every contact, creation order (seeded first).
* ``GET /_sandbox/items``: every item with its stock and prices (white-box catalog checks).
* ``POST /_sandbox/invoices/{id}/legal-status`` ``{"legalStatus": "REJECTED"}``: DIAN's late verdict
  on a stamped invoice (Alegra reports DIAN's answer in ``stamp.legalStatus``; values other than
  ACCEPTED/REJECTED were not read, so only those two are accepted).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX

LEGAL_STATUSES = frozenset({"ACCEPTED", "REJECTED"})


def inspection_invoice(store: AlegraStore, invoice: dict[str, Any]) -> dict[str, Any]:
    return {**invoice, "_origin": store.origins.get(invoice["id"])}


def build_alegra_inspection_router(store: AlegraStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/invoices")
    async def invoices(request: Request) -> JSONResponse:
        origin = request.query_params.get("origin")
        return ok([inspection_invoice(store, i) for i in store.invoices.values()
                   if origin in (None, store.origins[i["id"]])])  # fmt: skip

    @router.get("/contacts")
    async def contacts() -> JSONResponse:
        return ok(store.contacts)

    @router.get("/items")
    async def items() -> JSONResponse:
        return ok(store.items)

    @router.post("/invoices/{invoice_id}/legal-status")
    async def legal_status(invoice_id: str, request: Request) -> JSONResponse:
        invoice = store.invoices.get(invoice_id)
        if invoice is None:
            return inspection_error(f"unknown invoice {invoice_id!r}", 404)
        if not invoice.get("stamp"):
            return inspection_error(f"invoice {invoice_id!r} was never stamped")
        try:
            status = (await read_json_object(request)).get("legalStatus")
        except ValueError as exc:
            return inspection_error(str(exc))
        if status not in LEGAL_STATUSES:
            return inspection_error(f"legalStatus must be one of {sorted(LEGAL_STATUSES)}")
        invoice["stamp"]["legalStatus"] = status
        return ok(inspection_invoice(store, invoice))

    return router
