"""Invoice drafts -> Alegra invoices (Colombia), with every option of the Astroselling article.

Per order: the buyer's contact is found by identification or created (``identificationObject``,
``kindOfPerson``, ``regime`` from the settings); each line's SKU (reference or barcode) becomes
Alegra's item id; the invoice goes out open or as a draft, optionally stamped (emitted to the
DIAN), with the numbering, seller, price list, warehouse, cost center, currency, payment form and
(open CASH invoices) the payment the marketplace already collected.

Exactly once. Alegra has no idempotency key and the notes say emission is not idempotent, so
``idempotent = False``; but Alegra can be asked: every invoice carries ``[ref <reference>]`` in
``observations`` (Alegra returns it on reads). Right after an uncertain failure the sink lists
that client's invoices of that day (documented filters ``client_id`` +
``date_afterOrNow``/``date_beforeOrNow``) and takes the one with our token. Found: it is the
document (no second POST). Not found: nothing was created (reads follow writes), so the failure is
an ordinary transient error that the next run retries. An order a dead worker may have sent is
looked up the same way (``find``, from the order's day to today) before the ledger lets anything be
sent again; only when that lookup fails does the order wait for a person.

Dating: every invoice is dated *today in Bogotá at the moment it is sent* (Alegra Colombia's
timezone; never before the draft's ``issue_date``), whatever the order's day or the run's interval:
a DIAN electronic invoice is dated the day it is generated and transmitted, so late runs, chunks
that cross midnight and backfills of old orders are invoiced today; the order id is in
``observations``. The lost-answer lookup uses that same date.

Taxes ("Usar impuestos"): the draft's unit price is what the buyer paid (IVA included). With the
option on, the line goes net of the *item's own* Alegra taxes (not the flow's 19%) with those tax
ids, so Alegra's total equals what was paid (to the cent); off, the line carries the paid price
and no tax.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from puente.hooks.errors import PermanentError, TransientError, VendorError, proven_absent
from puente.models import Buyer, DraftLine, InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente.vendors.alegra.catalog_source import item_sku, tax_rate
from puente.vendors.alegra.settings import AlegraSettings

CENT = Decimal("0.01")
ITEM_CACHE_SECONDS = 300.0
ALEGRA_TIMEZONE = ZoneInfo("America/Bogota")  # Alegra Colombia's accounts and the DIAN's clock
IDENTIFICATION_TYPES = frozenset({"RC", "TI", "CC", "TE", "CE", "NIT", "PP", "PEP", "DIE", "NUIP", "FOREIGN_NIT"})
FINAL_CONSUMER = "Consumidor final"

# Alegra's messages (and DIAN/provider codes inside them) -> what a person has to do.
MESSAGE_CATEGORIES = (
    ("sin precio", rules.ZERO_PRICE),
    ("ítem con id", rules.UNLINKED_SKU),
    ("item con id", rules.UNLINKED_SKU),
    ("el cliente", rules.CLIENT_INCOMPLETE),
    ("identificación", rules.CLIENT_INCOMPLETE),
    ("tipo de persona", rules.CLIENT_INCOMPLETE),
    ("régimen", rules.CLIENT_INCOMPLETE),
    ("not synced", rules.UNLINKED_SKU),
)


class ItemCache:
    """SKU -> Alegra item, shared by every sink of the process for a few minutes, per account.

    Why: the flow builds one sink per worker thread and chunk, and at 150 calls a minute looking the
    same SKU up again in each is what would bind the run. An item's id and taxes do not change in
    minutes; only found items are kept, so a SKU created in Alegra meanwhile is found on next use.
    """

    def __init__(self, ttl: float = ITEM_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str, str], tuple[float, dict[str, Any]]] = {}

    def get(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        with self._lock:
            hit = self._items.get(key)
        return hit[1] if hit is not None and time.monotonic() - hit[0] < self.ttl else None

    def put(self, key: tuple[str, str, str], item: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), item)


ITEMS = ItemCache()


def money(value: Decimal) -> float | int:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def reference_token(reference: str) -> str:
    """What ``observations`` carries so the invoice can be found again (delimited: AS-1 never matches AS-10)."""
    return f"[ref {reference}]"


class AlegraInvoiceSink:
    idempotent = False  # no idempotency key: a send a dead worker may have made is for a person
    requires_linked_skus = True  # lines name Alegra items (by reference or barcode)

    def __init__(self, settings: AlegraSettings, hook=None, today: Callable[[], date] | None = None) -> None:
        if hook is None:
            from puente.vendors.alegra.hook import AlegraHook

            hook = AlegraHook(alegra_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self._contacts: dict[str, str] = {}  # identification -> contact id
        self.today = today or (lambda: datetime.now(ALEGRA_TIMEZONE).date())

    # -------------------------------------------------------------------------- rules seam
    def rule_options(self) -> dict[str, Any]:
        """Colombia: one document kind (the factura), 19% IVA, the article's defaults for the buyer;
        zero-price lines refused when stamping (the DIAN rejects them), an identification always
        (an Alegra contact cannot be created without one)."""
        s = self.settings
        options: dict[str, Any] = {
            "document_rule": "single", "vat_rate": Decimal("0.19"), "require_client_document": True,
            "zero_price_lines": "refuse" if s.stamp else "drop", "generic_sku": s.generic_sku,
            "default_document": s.default_document,
        }  # fmt: skip
        if s.default_email:
            options["default_email"] = s.default_email
        if s.default_phone:
            options["default_phone"] = s.default_phone
        return options

    # -------------------------------------------------------------------------- lookups
    def item_for(self, sku: str) -> dict[str, Any]:
        """The one active Alegra item whose SKU field is ``sku`` (see :class:`ItemCache`)."""
        field = self.settings.sku_field
        key = (self.hook.rate_limit_key(), field, sku)
        cached = ITEMS.get(key)
        if cached is not None:
            return cached
        found = [i for i in self.hook.list_items(**{field: sku}) if i.get("status", "active") == "active"]
        if len(found) != 1:
            problem = "is not in Alegra" if not found else f"matches {len(found)} Alegra items (variations?)"
            raise PermanentError(vendor_message=f"SKU {sku!r} ({field}) {problem}: product not synced",
                                 vendor="alegra")  # fmt: skip
        ITEMS.put(key, found[0])
        return found[0]

    def contact_payload(self, client: Buyer) -> dict[str, Any]:
        s = self.settings
        kind = client.doc_type if client.doc_type in IDENTIFICATION_TYPES else s.identification_type
        address = {k: v for k, v in (("address", client.address), ("city", client.city)) if v}
        payload = {
            "name": client.company or client.name or FINAL_CONSUMER,
            "identificationObject": {"type": kind, "number": client.doc_number},
            "kindOfPerson": s.kind_of_person, "regime": s.regime, "type": ["client"],
            "email": client.email, "phonePrimary": client.phone, "address": address or None,
        }  # fmt: skip
        return {k: v for k, v in payload.items() if v not in (None, "")}

    def contact_id(self, client: Buyer) -> str:
        """Find the contact by identification, else create it (a refused duplicate means it exists)."""
        number = str(client.doc_number or "").strip()
        if number not in self._contacts:
            found = self.hook.find_contact(number)
            if found is None:
                try:
                    found = self.hook.create_contact(self.contact_payload(client))
                except (PermanentError, TransientError) as exc:  # a lost answer or a racing worker
                    found = self.hook.find_contact(number)
                    if found is None:
                        raise proven_absent(exc, "a lookup right after") from exc
            self._contacts[number] = str(found["id"])
        return self._contacts[number]

    def find_invoice(self, draft: InvoiceDraft, client_id: str, first: date, last: date) -> dict[str, Any] | None:
        """The invoice an earlier send of this draft created, dated ``first``..``last``, by the token in
        its observations."""
        token = reference_token(draft.reference)
        for invoice in self.hook.list_invoices(date_from=first, date_to=last, client_id=client_id):
            if token in str(invoice.get("observations") or ""):
                return invoice
        return None

    def find(self, draft: InvoiceDraft) -> InvoiceRecord | None:
        """What an interrupted earlier attempt (a worker that died after sending) created for this draft.

        The ledger asks before re-sending such an order. The attempt was dated between the order's day
        and today, for the buyer's contact; no contact means no invoice.
        """
        number = str(draft.client.doc_number or "").strip() if draft.client else ""
        contact = self.hook.find_contact(number) if number else None
        if contact is None:
            return None
        first = min(draft.order_date or draft.issue_date, draft.issue_date)
        invoice = self.find_invoice(draft, str(contact["id"]), first, self.issue_date(draft))
        return self.record(invoice, draft) if invoice is not None else None

    # -------------------------------------------------------------------------- payload
    def line(self, line: DraftLine) -> dict[str, Any]:
        s = self.settings
        sku = line.sku or s.shipping_sku
        if not sku:
            raise PermanentError(vendor_message=f"line {line.description!r} has no SKU: set shipping_sku (an Alegra "
                                 "service item) to invoice shipping", vendor="alegra")  # fmt: skip
        item = self.item_for(sku)
        entry: dict[str, Any] = {"id": str(item["id"]), "quantity": money(line.quantity),
                                 "description": line.description}  # fmt: skip
        if s.use_taxes:
            rate = tax_rate(item)
            entry["price"] = money(line.gross_unit_price / (1 + rate))
            taxes = [t for t in item.get("tax") or [] if t.get("status", "active") == "active"]
            entry["tax"] = [{"id": str(t["id"])} for t in taxes]
        else:
            entry["price"] = money(line.gross_unit_price)
        if s.invoice_warehouse_id:
            entry["warehouse"] = {"id": s.invoice_warehouse_id}
        if item_sku(item, "reference"):
            entry["reference"] = item_sku(item, "reference")
        return entry

    @staticmethod
    def total(items: list[dict[str, Any]], rates: list[Decimal]) -> Decimal:
        """The invoice total as Alegra computes it: price x quantity plus taxes, to the cent."""
        total = sum((Decimal(str(i["price"])) * Decimal(str(i["quantity"])) * (1 + rate)
                     for i, rate in zip(items, rates, strict=True)), Decimal(0))  # fmt: skip
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    def issue_date(self, draft: InvoiceDraft) -> date:
        return max(draft.issue_date, self.today())

    def payload(self, draft: InvoiceDraft, client_id: str, day: date | None = None) -> dict[str, Any]:
        s = self.settings
        day = day or self.issue_date(draft)
        due = day + timedelta(days=s.credit_days if s.payment_form == "CREDIT" else 0)
        items = [self.line(line) for line in draft.lines]
        note = f"Pedido {draft.order_id} ({draft.channel}) {reference_token(draft.reference)}"
        body: dict[str, Any] = {
            "date": day.isoformat(), "dueDate": due.isoformat(), "client": {"id": client_id},
            "items": items, "status": "open" if s.open_invoice else "draft", "paymentForm": s.payment_form,
            "observations": note,
        }  # fmt: skip
        if s.show_observations_on_pdf:
            body["anotation"] = note
        optional = {
            "numberTemplate": {"id": s.number_template_id} if s.number_template_id else None,
            "seller": s.seller_id, "costCenter": s.cost_center_id,
            "priceList": {"id": s.invoice_price_list_id} if s.invoice_price_list_id else None,
            "currency": {"code": s.currency, "exchangeRate": money(s.exchange_rate or Decimal(1))}
            if s.currency else None,
        }  # fmt: skip
        body |= {k: v for k, v in optional.items() if v is not None}
        if s.open_invoice and s.payment_form == "CASH" and s.payment_account_id:
            rates = [tax_rate(self.item_for(line.sku or s.shipping_sku)) if s.use_taxes else Decimal(0)
                     for line in draft.lines]  # fmt: skip
            body["payments"] = [{"date": day.isoformat(), "account": {"id": s.payment_account_id},
                                 "amount": money(self.total(items, rates)), "paymentMethod": s.payment_method}]
        if s.stamp:
            body["stamp"] = {"generateStamp": True}
        return body

    # -------------------------------------------------------------------------- create
    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        if draft.client is None or not draft.client.doc_number:
            raise PermanentError(vendor_message="el cliente no tiene identificación (set default_document)",
                                 vendor="alegra")  # fmt: skip
        client_id = self.contact_id(draft.client)
        day = self.issue_date(draft)
        body = self.payload(draft, client_id, day)
        try:
            invoice = self.hook.create_invoice(body)
        except TransientError as exc:
            if not exc.uncertain:
                raise
            try:
                invoice = self.find_invoice(draft, client_id, day, day)
            except VendorError as lookup_failed:  # we still do not know: the order stays uncertain
                raise exc from lookup_failed
            if invoice is None:
                raise proven_absent(exc, "a lookup right after") from exc
        return self.record(invoice, draft)

    @staticmethod
    def record(invoice: dict[str, Any], draft: InvoiceDraft) -> InvoiceRecord:
        template = invoice.get("numberTemplate") or {}
        if isinstance(template, list):  # some records carry it as an array
            template = template[0] if template else {}
        number = template.get("fullNumber") or template.get("number")
        total = invoice.get("total")
        return InvoiceRecord(doc_id=str(invoice["id"]), number=str(number) if number else None, kind=draft.kind,
                             url=invoice.get("pdf"), total=Decimal(str(total)) if total is not None else None)

    @staticmethod
    def categorize(message: str | None) -> str:
        lowered = (message or "").lower()
        return next((category for needle, category in MESSAGE_CATEGORIES if needle in lowered), rules.VENDOR_REJECTED)
