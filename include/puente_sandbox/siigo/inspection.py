"""Siigo test helpers under ``/_sandbox``: act as the merchant in Siigo Nube, and look inside.

* ``GET /_sandbox/invoices[?origin=seed|api|sandbox]``: every stored invoice, creation order, each
  with ``_origin`` and ``_idempotency_key`` added (never present on the vendor API).
* ``GET /_sandbox/customers``: every customer, creation order.
* ``POST /_sandbox/tokens/expire`` ``{"token"?: str}``: revoke that token (default: every live
  token); the next API call with it gets 401 ``unauthorized``, as after Siigo's 24 h.
* ``POST /_sandbox/invoices``: create an invoice as a person in Siigo Nube would (same body and
  rules as ``POST /v1/invoices``, but back-dating is allowed; optional ``"created"`` ISO instant
  pins ``metadata.created``). 201 with the invoice, or Siigo's 400 envelope.
* ``POST /_sandbox/invoices/{id}``: edit an invoice "in Siigo Nube": any of ``date``, ``seller``,
  ``observations``, ``cost_center``, ``items`` (create-payload items), ``payments``. Totals are
  recomputed; when ``items`` change without ``payments`` the single payment follows the new total.
  Id, number, name, CUFE and ``metadata.created`` stay; ``metadata.last_updated`` becomes now. Real
  Siigo refuses to edit a stamped invoice; this helper does not, so tests can simulate any edit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.common.vendor import VendorError
from puente_sandbox.siigo.invoice_rules import build_invoice, lines_total
from puente_sandbox.siigo.money import as_json_number
from puente_sandbox.siigo.store import SiigoStore

EDITABLE = ("date", "seller", "observations", "cost_center", "items", "payments")


def inspection_invoice(store: SiigoStore, invoice: dict[str, Any]) -> dict[str, Any]:
    key = next((k for k, v in store.idempotency.items() if v == invoice["id"]), None)
    return {**invoice, "_origin": store.origins.get(invoice["id"]), "_idempotency_key": key}


def as_create_payload(store: SiigoStore, invoice: dict[str, Any]) -> dict[str, Any]:
    """The stored invoice turned back into the body that would create it (for re-validation)."""
    percentage = store.document_types[invoice["document"]["id"]]["discount_type"] == "Percentage"
    items = []
    for line in invoice["items"]:
        item: dict[str, Any] = {"code": line["code"], "description": line["description"],
                                "quantity": line["quantity"], "price": line["price"],
                                "taxes": [{"id": t["id"]} for t in line["taxes"]]}  # fmt: skip
        if "discount" in line:
            item["discount"] = line["discount"]["percentage" if percentage else "value"]
        if "taxpayer" in line:
            item.update(tax_base=line["tax_base"], taxpayer=line["taxpayer"])
        items.append(item)
    return {
        "document": invoice["document"],
        "date": invoice["date"],
        "customer": {k: invoice["customer"][k] for k in ("identification", "branch_office")},
        **({"cost_center": invoice["cost_center"]} if "cost_center" in invoice else {}),
        "seller": invoice["seller"],
        "observations": invoice.get("observations", ""),
        "items": items,
        "payments": [{k: p[k] for k in ("id", "value", "due_date") if k in p} for p in invoice["payments"]],
    }


def edit_invoice(store: SiigoStore, invoice: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    payload = {**as_create_payload(store, invoice), **{k: changes[k] for k in EDITABLE if k in changes}}
    if "items" in changes and "payments" not in changes and payload["payments"]:
        total = as_json_number(lines_total(store, payload))
        payload["payments"] = [{**payload["payments"][0], "value": total}]
    rebuilt = build_invoice(store, payload, allow_backdating=True)
    for field in ("date", "seller", "observations", "cost_center", "items", "payments", "total", "balance"):
        if field in rebuilt:
            invoice[field] = rebuilt[field]
        else:
            invoice.pop(field, None)
    store.touch_invoice(invoice)
    return invoice


def build_siigo_inspection_router(store: SiigoStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/invoices")
    async def invoices(request: Request) -> JSONResponse:
        origin = request.query_params.get("origin")
        return ok(
            [inspection_invoice(store, i) for i in store.invoices.values() if origin in (None, store.origins[i["id"]])]
        )

    @router.get("/customers")
    async def customers() -> JSONResponse:
        return ok(store.customers)

    @router.post("/tokens/expire")
    async def expire_tokens(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        return ok({"expired": store.expire_tokens(body.get("token"))})

    @router.post("/invoices")
    async def add_invoice(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
            created = (
                datetime.fromisoformat(body.pop("created").replace("Z", "+00:00")) if body.get("created") else None
            )
        except ValueError as exc:
            return inspection_error(str(exc))
        try:
            invoice = build_invoice(store, body, allow_backdating=True)
        except VendorError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        store.save_invoice(invoice, origin="sandbox", created=created)
        return ok(inspection_invoice(store, invoice), 201)

    @router.post("/invoices/{invoice_id}")
    async def update_invoice(invoice_id: str, request: Request) -> JSONResponse:
        invoice = store.invoices.get(invoice_id)
        if invoice is None:
            return inspection_error(f"unknown invoice {invoice_id!r}", 404)
        try:
            changes = await read_json_object(request)
            edit_invoice(store, invoice, changes)
        except ValueError as exc:
            return inspection_error(str(exc))
        except VendorError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        return ok(inspection_invoice(store, invoice))

    return router
