"""In-memory Alegra Colombia account: catalogs, items, contacts, invoices, numbering and DIAN stamps.

Routes stay thin; state and the rules needing state live here: ids are sequential numeric strings
(Alegra's new ID format, answered as strings), open invoices take their template's next number
(drafts take none until opened, inferred) and an accepted stamp gets its CUFE once numbered.
Credentials are the account's ``email`` and API ``token`` (HTTP Basic on every call).
``now`` (UTC) is injectable; "today" is Bogotá's date (UTC-5, no DST).
Not thread-safe: the app's event loop is its only user.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from puente_sandbox.alegra.invoice_rules import build_invoice, check_stamp, cufe_for
from puente_sandbox.alegra.seed import BOGOTA_OFFSET, AlegraSeed, generate_alegra_data
from puente_sandbox.alegra.vendor import CODE_INVOICE_STATE, invalid


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _copy(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: json.loads(json.dumps(r)) for r in records}


class AlegraStore:
    """One Alegra account reachable with ``email``/``token``."""

    def __init__(self, data: AlegraSeed | None = None, *, email: str, token: str,
                 now: Callable[[], datetime] = _utcnow) -> None:  # fmt: skip
        data = data or generate_alegra_data()
        self.email, self.token, self.now = email, token, now
        self.warehouses = _copy(data.warehouses)
        self.price_lists = _copy(data.price_lists)
        self.taxes = _copy(data.taxes)
        self.sellers = _copy(data.sellers)
        self.cost_centers = _copy(data.cost_centers)
        self.number_templates = _copy(data.number_templates)
        self.bank_accounts = _copy(data.bank_accounts)
        self.users = [{**u, "email": u.get("email") or email} for u in data.users]
        self.items_by_id = _copy(data.items)
        self.contacts_by_id: dict[str, dict[str, Any]] = {}
        for contact in data.contacts:
            self.contacts_by_id[contact["id"]] = json.loads(json.dumps(contact))
        self._next_contact = max((int(i) for i in self.contacts_by_id), default=0) + 1
        self.invoices: dict[str, dict[str, Any]] = {}
        self.origins: dict[str, str] = {}  # invoice id -> "seed" | "api"
        self._next_invoice = 1
        for payload, created in data.invoice_requests:
            self.create_invoice(payload, origin="seed", created=created)

    # time --------------------------------------------------------------------------------------
    def today(self) -> date:
        return (self.now().astimezone(UTC) + BOGOTA_OFFSET).date()

    def _local_datetime(self, instant: datetime | None = None) -> str:
        return ((instant or self.now()).astimezone(UTC) + BOGOTA_OFFSET).strftime("%Y-%m-%d %H:%M:%S")

    # items and contacts ------------------------------------------------------------------------
    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.items_by_id.values())

    @property
    def contacts(self) -> list[dict[str, Any]]:
        return list(self.contacts_by_id.values())

    def contact_by_identification(self, identification: str) -> dict[str, Any] | None:
        return next((c for c in self.contacts_by_id.values() if c["identification"] == identification), None)

    def add_contact(self, contact: dict[str, Any]) -> dict[str, Any]:
        contact["id"] = str(self._next_contact)
        self._next_contact += 1
        self.contacts_by_id[contact["id"]] = contact
        return contact

    # invoices ----------------------------------------------------------------------------------
    def create_invoice(self, body: dict[str, Any], *, origin: str, created: datetime | None = None) -> dict[str, Any]:
        """Validate (raises the vendor's 400), then number, stamp and keep the invoice."""
        invoice = build_invoice(self, body)
        generate = invoice.pop("_generate_stamp")
        invoice["id"] = str(self._next_invoice)
        self._next_invoice += 1
        invoice["datetime"] = self._local_datetime(created)
        if invoice["status"] != "draft":
            self._number(invoice)
        if generate:
            self._stamp(invoice, created)
        self._settle(invoice)
        self.invoices[invoice["id"]] = invoice
        self.origins[invoice["id"]] = origin
        return invoice

    def _number(self, invoice: dict[str, Any]) -> None:
        ref = invoice.get("numberTemplate")
        if not ref or ref.get("number") is not None:
            return
        template = self.number_templates[ref["id"]]
        ref["number"] = str(template["nextInvoiceNumber"])
        ref["fullNumber"] = f"{template['prefix']}{template['nextInvoiceNumber']}"
        template["nextInvoiceNumber"] += 1

    def _stamp(self, invoice: dict[str, Any], when: datetime | None = None) -> None:
        invoice["stamp"] = {"legalStatus": "ACCEPTED", "cufe": cufe_for(invoice),
                            "date": self._local_datetime(when), "warnings": []}  # fmt: skip

    @staticmethod
    def _settle(invoice: dict[str, Any]) -> None:
        if invoice["status"] == "open" and invoice["balance"] == 0:
            invoice["status"] = "closed"  # fully paid (inferred)

    def open_invoice(self, invoice_id: str, stamp: bool) -> dict[str, Any]:
        """``POST /invoices/{id}/open`` (optionally with ``stamp``): a draft becomes open (and emitted)."""
        invoice = self.invoices[invoice_id]
        if invoice["status"] != "draft":
            raise invalid("Solo se pueden abrir facturas en borrador", CODE_INVOICE_STATE)
        if stamp:
            template = self.number_templates.get((invoice.get("numberTemplate") or {}).get("id", ""))
            check_stamp(self, template, self.contacts_by_id[invoice["client"]["id"]], invoice["items"])
        invoice["status"] = "open"
        self._number(invoice)
        if stamp:
            self._stamp(invoice)
        self._settle(invoice)
        return invoice

    def void_invoice(self, invoice_id: str, cause: str) -> dict[str, Any]:
        """``POST /invoices/{id}/void``; stamped invoices are immutable (credit notes instead)."""
        invoice = self.invoices[invoice_id]
        if invoice.get("stamp") or invoice["status"] == "voided":
            raise invalid("La factura está emitida o anulada: usa una nota crédito", CODE_INVOICE_STATE)
        invoice["status"] = "voided"
        invoice["voidCause"] = cause
        return invoice
