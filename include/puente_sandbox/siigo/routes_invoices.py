"""Siigo sales invoices (Blueprint "Facturas de Venta"): list (paged), get, create.

``GET /v1/invoices`` filters: ``created_start/end``, ``updated_start/end`` (a never-edited invoice
matches on its creation, inferred), ``date_start/date_end`` (invoice date, inclusive),
``name`` (``FV-1-22``), ``customer_identification``, ``customer_branch_office``, ``document_id``.
Order: creation, oldest first (inferred: the Blueprint states none), so a page walk during new
sales never skips older invoices.

``POST /v1/invoices`` answers 201 ``InvoiceOutDian`` (rules: :mod:`invoice_rules`). The optional
``Idempotency-Key`` header must be alphanumeric, at most 30 characters (the "Idempotencia"
section; its error-code entry says 32, the stricter 30 is enforced), else
``invalid_idempotency-key``. A key that already created an invoice returns *that* invoice, again
with 201 (inferred: "retornará la información del comprobante creado previamente", status not
stated), whatever the new body says; nothing new is created or numbered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.siigo.invoice_rules import build_invoice
from puente_sandbox.siigo.paging import apply_filters, date_filter, instant_filter, last_change, page_envelope
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import invalid, json_object, not_found

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9]{1,30}$")


def _equals(request: Request, name: str, key: Callable[[dict[str, Any]], Any]) -> Callable[[dict], bool] | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    return lambda record: str(key(record)) == raw


def build_invoice_router(store: SiigoStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    @router.get("/invoices")
    async def list_invoices(request: Request) -> JSONResponse:
        records = apply_filters(
            list(store.invoices.values()),
            instant_filter(request, "created", lambda i: i["metadata"]["created"]),
            instant_filter(request, "updated", last_change),
            date_filter(request, "date", lambda i: i["date"]),
            _equals(request, "name", lambda i: i["name"]),
            _equals(request, "customer_identification", lambda i: i["customer"]["identification"]),
            _equals(request, "customer_branch_office", lambda i: i["customer"]["branch_office"]),
            _equals(request, "document_id", lambda i: i["document"]["id"]),
        )
        return ok(page_envelope(request, records, lambda i: i))

    @router.get("/invoices/{invoice_id}")
    async def get_invoice(invoice_id: str) -> JSONResponse:
        invoice = store.invoices.get(invoice_id)
        if invoice is None:
            raise not_found("invoice")
        return ok(invoice)

    @router.post("/invoices")
    async def create_invoice(request: Request) -> JSONResponse:
        key = request.headers.get("idempotency-key")
        if key is not None:
            if not IDEMPOTENCY_KEY.match(key):
                raise invalid(
                    "invalid_idempotency-key",
                    "The Idempotency-Key must be alphanumeric, without spaces, with at most 30 characters",
                    "Idempotency-Key",
                )
            existing = store.invoice_for_key(key)
            if existing is not None:
                return ok(existing, 201)
        body = await json_object(request)
        invoice = build_invoice(store, body)
        return ok(store.save_invoice(invoice, origin="api", idempotency_key=key), 201)

    return router
