"""Siigo sales invoices in a time window -> canonical ``SalesInvoice`` (with the customer's contact data).

Which invoices belong to a window: those *created* in it, plus those *edited* in it (Siigo has no
invoice webhooks, so an edit is only seen by polling ``updated_*``). Creation, not the invoice
``date``: a back-dated invoice made today must still reach the CRM, and an instant (not a day)
is what puts an invoice made at 23:30 Bogotá into that day's run. Siigo's ``*_end`` bounds are
inclusive and to the second, so the query is widened to ``end`` and the half-open ``[start, end)``
is applied here, to the millisecond.

A Siigo invoice names its customer by identification only; name, e-mail and phone come from
``/v1/customers``, read once per customer per window (Siigo's budget is 100 calls a minute).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from puente.models import InvoiceCustomer, InvoiceItem, SalesInvoice
from puente.vendors.siigo.settings import SiigoSettings


def _instant(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else None


def _phone(customer: dict[str, Any]) -> str | None:
    """``+57 3001234567`` from the first phone, else the first contact's phone."""
    candidates = list(customer.get("phones") or [])
    candidates += [c.get("phone") for c in customer.get("contacts") or [] if isinstance(c.get("phone"), dict)]
    for phone in candidates:
        number = str((phone or {}).get("number") or "").strip()
        if number:
            indicative = str(phone.get("indicative") or "").strip()
            return f"+{indicative} {number}" if indicative else number
    return None


def customer_from_siigo(identification: str, customer: dict[str, Any] | None) -> InvoiceCustomer:
    """Siigo's customer (None: unknown to Siigo's list) as the CRM needs it."""
    if not customer:
        return InvoiceCustomer(identification=identification, first_name=identification)
    names = [str(n).strip() for n in customer.get("name") or [] if str(n).strip()]
    company = customer.get("person_type") == "Company"
    contact = next(iter(customer.get("contacts") or []), {}) or {}
    if company or len(names) < 2:
        first, last = (" ".join(names) or customer.get("commercial_name") or identification), None
    else:
        first, last = names[0], " ".join(names[1:])
    return InvoiceCustomer(
        identification=identification, first_name=first, last_name=last,
        email=(contact.get("email") or "").strip() or None, phone=_phone(customer), company=company,
    )


def invoice_from_siigo(invoice: dict[str, Any], customer: InvoiceCustomer) -> SalesInvoice:
    metadata = invoice.get("metadata") or {}
    seller = invoice.get("seller")
    return SalesInvoice(
        id=str(invoice["id"]),
        name=str(invoice.get("name") or invoice["id"]),
        date=datetime.fromisoformat(str(invoice["date"])[:10]).date(),
        created_at=_instant(metadata.get("created")),
        updated_at=_instant(metadata.get("last_updated")),
        customer=customer,
        seller_id=str(seller) if seller not in (None, "") else None,
        total=Decimal(str(invoice.get("total") or 0)),
        items=tuple(
            InvoiceItem(code=str(item.get("code") or ""), description=item.get("description"),
                        quantity=Decimal(str(item.get("quantity") or 0)),
                        total=Decimal(str(item["total"])) if item.get("total") is not None else None)
            for item in invoice.get("items") or []
        ),
    )


class SiigoInvoiceSource:
    """``InvoiceSource`` for Siigo Nube: invoices created or edited in ``[start, end)``."""

    def __init__(self, settings: SiigoSettings, hook: Any = None) -> None:
        if hook is None:
            from puente.vendors.siigo.hook import SiigoHook

            hook = SiigoHook(siigo_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self._customers: dict[tuple[str, int], InvoiceCustomer] = {}

    def read_invoices(self, start: datetime, end: datetime) -> list[SalesInvoice]:
        """Oldest first; each invoice once, even when both created and edited in the window."""
        found: dict[str, dict[str, Any]] = {}
        for kind in ("created", "updated"):
            for raw in self.hook.list_invoices(**{f"{kind}_start": start, f"{kind}_end": end}):
                found.setdefault(str(raw["id"]), raw)
        wanted = [raw for raw in found.values() if self._in_window(raw, start, end)]
        invoices = [invoice_from_siigo(raw, self._customer(raw.get("customer") or {})) for raw in wanted]
        return sorted(invoices, key=lambda invoice: (invoice.created_at, invoice.id))

    def read_invoice(self, invoice_id: str) -> SalesInvoice:
        raw = self.hook.get_invoice(invoice_id)
        return invoice_from_siigo(raw, self._customer(raw.get("customer") or {}))

    @staticmethod
    def _in_window(raw: dict[str, Any], start: datetime, end: datetime) -> bool:
        metadata = raw.get("metadata") or {}
        stamps: Iterable[datetime | None] = (_instant(metadata.get("created")), _instant(metadata.get("last_updated")))
        return any(stamp is not None and start <= stamp < end for stamp in stamps)

    def _customer(self, ref: dict[str, Any]) -> InvoiceCustomer:
        identification = str(ref.get("identification") or "")
        branch = int(ref.get("branch_office") or 0)
        key = (identification, branch)
        if key not in self._customers:
            found = self.hook.find_customer(identification, branch) if identification else None
            self._customers[key] = customer_from_siigo(identification, found)
        return self._customers[key]
