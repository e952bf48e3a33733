"""Invoices (notes section 3): list with date filters, get, create, open (with stamp), void.

``GET /invoices`` filters (all from the notes): ``date``, ``date_after``/``date_before`` (strict),
``date_afterOrNow``/``date_beforeOrNow`` (inclusive), the same four for ``dueDate``, ``status``,
``client_id``, ``client_name`` (substring), ``client_identification``, ``item_id`` and ``id``;
``order_field`` ``id|date|dueDate``; paged like every list. A malformed date is a 400 (inferred).
``POST /invoices`` answers **201** with the invoice (the notes say 200/201). ``POST
/invoices/{id}/open`` takes an optional ``{"stamp": {"generateStamp": true}}``; ``POST
/invoices/{id}/void`` takes ``{"cause"}``. The bulk ``POST /invoices/stamp`` is not emulated (its
body was not read): it answers Alegra's error body (405: the path reads as ``/invoices/{id}``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.alegra.paging import apply_filters, ordered, page, status_filter
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.vendor import invalid, json_object, not_found, required
from puente_sandbox.common.http import ok

Predicate = Callable[[dict[str, Any]], bool]
COMPARISONS: dict[str, Callable[[str, str], bool]] = {
    "": lambda value, bound: value == bound,
    "_after": lambda value, bound: value > bound,
    "_before": lambda value, bound: value < bound,
    "_afterOrNow": lambda value, bound: value >= bound,
    "_beforeOrNow": lambda value, bound: value <= bound,
}


def date_filters(request: Request, field: str) -> list[Predicate]:
    predicates: list[Predicate] = []
    for suffix, compare in COMPARISONS.items():
        raw = request.query_params.get(f"{field}{suffix}")
        if not raw:
            continue
        try:
            bound = date.fromisoformat(raw).isoformat()
        except ValueError as exc:
            raise invalid(f"El parámetro {field}{suffix} debe tener el formato yyyy-MM-dd") from exc
        predicates.append(lambda inv, c=compare, b=bound: c(inv[field], b))
    return predicates


def _field(value: str | None, get: Callable[[dict[str, Any]], Any]) -> Predicate | None:
    return None if value is None else (lambda inv: str(get(inv) or "") == value)


def build_invoice_router(store: AlegraStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(dependencies=[Depends(auth)])

    def invoice_or_404(invoice_id: str) -> dict[str, Any]:
        invoice = store.invoices.get(invoice_id)
        if invoice is None:
            raise not_found("la factura", invoice_id)
        return invoice

    @router.get("/invoices")
    async def list_invoices(request: Request) -> JSONResponse:
        q = request.query_params
        client_name, item_id = q.get("client_name"), q.get("item_id")
        records = apply_filters(
            list(store.invoices.values()),
            *date_filters(request, "date"),
            *date_filters(request, "dueDate"),
            status_filter(request),
            _field(q.get("id"), lambda inv: inv["id"]),
            _field(q.get("client_id"), lambda inv: inv["client"]["id"]),
            _field(q.get("client_identification"), lambda inv: inv["client"]["identification"]),
            None if not client_name else (lambda inv: client_name.lower() in inv["client"]["name"].lower()),
            None if not item_id else (lambda inv: any(line["id"] == item_id for line in inv["items"])),
        )
        return ok(page(request, ordered(request, records, ("date", "dueDate"))))

    @router.get("/invoices/{invoice_id}")
    async def get_invoice(invoice_id: str) -> JSONResponse:
        return ok(invoice_or_404(invoice_id))

    @router.post("/invoices")
    async def create_invoice(request: Request) -> JSONResponse:
        body = await json_object(request)
        return ok(store.create_invoice(body, origin="api"), 201)

    @router.post("/invoices/{invoice_id}/open")
    async def open_invoice(invoice_id: str, request: Request) -> JSONResponse:
        invoice_or_404(invoice_id)
        raw = await request.body()
        body = await json_object(request) if raw.strip() else {}
        stamp = body.get("stamp") or {}
        generate = isinstance(stamp, dict) and stamp.get("generateStamp") in (True, "true")
        return ok(store.open_invoice(invoice_id, generate))

    @router.post("/invoices/{invoice_id}/void")
    async def void_invoice(invoice_id: str, request: Request) -> JSONResponse:
        invoice_or_404(invoice_id)
        body = await json_object(request)
        if not body.get("cause"):
            raise required("cause")
        return ok(store.void_invoice(invoice_id, str(body["cause"])))

    return router
