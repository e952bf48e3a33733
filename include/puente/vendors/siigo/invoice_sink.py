"""Invoice drafts -> Siigo Nube sales invoices (``POST /v1/invoices``), exactly once via ``Idempotency-Key``.

Every ERP-side option of *Conecta Siigo con Astroselling* maps to the Blueprint's create payload
(:class:`SiigoSettings`): ``document.id`` the transaction type, ``seller``, ``cost_center``,
``payments[].id`` the payment form (with a ``due_date`` when that form has one), ``currency``
(omitted for COP, as Siigo requires) with the exchange rate, ``items[].warehouse`` the products
warehouse, ``stamp.send`` "Enviar a DIAN", ``mail.send``, and the customer's default document
type and city for customers Siigo does not know yet.

* Customers: looked up by identification (``GET /v1/customers?identification=&branch_office=0``)
  and created when missing, with the order's name, e-mail and phone and the configured city;
  a concurrent creation (``already_exists``) or a lost answer is settled by looking it up again.
* Lines: ``taxed_price`` (IVA included: what marketplace buyers pay) with the configured IVA tax,
  or ``price`` when the order's prices were net. ``payments`` must equal Siigo's own total, so it
  is computed with Siigo's rounding (``money``-style: 6-decimal price from ``taxed_price``, then
  per line ``base = round2(q*p)``, ``iva = round2(base*pct/100)``).
* Exactly once: the ``Idempotency-Key`` is derived from our reference (channel + order), so a
  re-send after a lost answer, a 5xx, a 429 or a killed worker returns the invoice Siigo already
  made (the Blueprint's "Idempotencia"): ``idempotent = True``.
* Dating (Siigo refuses electronic invoices dated before today, ``invalid_date``): an invoice is
  always dated *today in Bogotá at the moment it is sent* (Siigo's own calendar; Colombia has no
  DST), whatever day the order was placed or the run was scheduled for. Late runs, retries past
  midnight and backfills of old orders therefore never fail on the date; the order's own date is
  written in ``observations`` (printed on the PDF) so the invoice still cites it.
* A DIAN rejection of an invoice Siigo did create (``stamp.status == "Rejected"``) is not retried:
  re-sending returns the same rejected invoice, so the order waits for a person (``NeedsPerson``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from puente.connectors.protocols import NeedsPerson
from puente.hooks.errors import PermanentError, TransientError
from puente.models import Buyer, DraftLine, InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente.vendors.siigo.settings import LOCAL_CURRENCY, SiigoSettings

BOGOTA = ZoneInfo("America/Bogota")
CENT, MICRO = Decimal("0.01"), Decimal("0.000001")
# The order's document type (as channels give it) -> Siigo's ``id_type``.
ID_TYPES = {"CC": "13", "NIT": "31", "CE": "22", "TI": "12", "PP": "41", "PASAPORTE": "41", "RC": "11",
            "PEP": "47", "PPT": "48", "NUIP": "91"}  # fmt: skip
NUMERIC_ID_TYPES = frozenset({"11", "12", "13", "31", "91"})
CODE = re.compile(r"([a-z][a-z_\-]+):")

# Siigo error codes (``<code>: <message>`` in vendor_message) -> what a person has to do.
CODE_CATEGORIES = {
    "customer_settings": rules.CLIENT_INCOMPLETE,
    "invalid_identification": rules.CLIENT_INCOMPLETE,
    "invalid_email": rules.CLIENT_INCOMPLETE,
    "requests_limit": rules.TRANSIENT,
    "service_unavailable": rules.TRANSIENT,
    "unhandled_error": rules.TRANSIENT,
    "no_shipping_product": rules.UNLINKED_SKU,
}


# Catalog facts (the IVA tax, whether the payment form has a due date) per Siigo account and
# option, process-wide: every worker thread builds its own sink, and Siigo's 100 calls a minute
# are better spent on invoices than on re-reading the same catalogs.
_FACTS: dict[tuple, Any] = {}
_FACTS_LOCK = threading.Lock()


def clear_catalog_facts() -> None:
    """Forget the cached catalog facts (tests; a merchant edited Siigo's catalogs)."""
    with _FACTS_LOCK:
        _FACTS.clear()


def today_in_bogota() -> date:
    return datetime.now(BOGOTA).date()


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def siigo_line_total(line: DraftLine, vat_percent: Decimal) -> Decimal:
    """What Siigo will compute for this line (its ``invalid_total_payments`` formula)."""
    percent = vat_percent if line.taxed else Decimal(0)
    if line.taxed and line.gross_unit_price != line.net_unit_price:
        price = (line.gross_unit_price / (1 + percent / 100)).quantize(MICRO, rounding=ROUND_HALF_UP)
    else:
        price = line.net_unit_price
    base = round2(line.quantity * price)
    return base + round2(base * percent / 100)


def identification(client: Buyer, id_type: str) -> str:
    """The ID as Siigo takes it: digits only for numeric types (a NIT without its check digit)."""
    raw = (client.doc_number or "").strip()
    if id_type == "31" and "-" in raw:
        raw = raw.rsplit("-", 1)[0]
    if id_type in NUMERIC_ID_TYPES:
        return re.sub(r"\D", "", raw)
    return re.sub(r"[^0-9A-Za-z\-]", "", raw)


def _created(invoice: dict[str, Any]) -> datetime | None:
    """``metadata.created`` (ISO instant): an Idempotency-Key re-send returns the earlier invoice with it."""
    created = (invoice.get("metadata") or {}).get("created")
    try:
        return datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else None
    except ValueError:
        return None


def _phone(raw: str | None) -> dict[str, str] | None:
    digits = re.sub(r"\D", "", raw or "")
    if not digits:
        return None
    indicative = ""
    if len(digits) > 10 and digits.startswith("57"):
        indicative, digits = "57", digits[2:]
    return {"indicative": indicative, "number": digits[-10:]} if indicative else {"number": digits[-10:]}


class SiigoInvoiceSink:
    idempotent = True  # Idempotency-Key: Siigo answers a re-send with the invoice it already made
    requires_linked_skus = True  # items[].code must be a Siigo product ("el SKU debe coincidir")

    def __init__(
        self, settings: SiigoSettings, hook: Any = None, today: Callable[[], date] = today_in_bogota
    ) -> None:
        missing = settings.missing_for_invoicing()
        if missing:
            raise ValueError(f"erp (siigo, {settings.conn_id}): invoicing needs {', '.join(missing)} "
                             "(Vendedor, Tipo de Transacción, Forma de Pago: ids from Siigo's catalogs)")
        if hook is None:
            from puente.vendors.siigo.hook import SiigoHook

            hook = SiigoHook(siigo_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self.today = today
        self._known_customers: set[str] = set()

    # ---------------------------------------------------------------------------- catalog facts
    def _fact(self, name: str, option: Any, read: Any) -> Any:
        self.hook.get_conn()  # sets base_url: two sandboxes (or accounts) never share facts
        key = (self.hook.base_url, self.settings.conn_id, name, option)
        with _FACTS_LOCK:
            if key in _FACTS:
                return _FACTS[key]
        value = read()
        with _FACTS_LOCK:
            return _FACTS.setdefault(key, value)

    def vat_tax(self) -> tuple[int, Decimal]:
        """(tax id, percentage) of the IVA put on lines: the configured one or the active 19% IVA."""
        return self._fact("vat", self.settings.vat_tax_id, self._read_vat_tax)

    def _read_vat_tax(self) -> tuple[int, Decimal]:
        wanted = self.settings.vat_tax_id
        match = [t for t in self.hook.list_taxes() if (t["id"] == wanted if wanted is not None else
                                                       t.get("type") == "IVA" and float(t.get("percentage") or 0) == 19
                                                       and t.get("active", True))]
        if not match:
            raise ValueError(f"Siigo has no {'tax ' + str(wanted) if wanted else 'active 19% IVA'} "
                             "(set vat_tax_id to an IVA id from /v1/taxes)")
        return int(match[0]["id"]), Decimal(str(match[0]["percentage"]))

    def payment_needs_due_date(self) -> bool:
        def read() -> bool:
            kinds = {p["id"]: p for p in self.hook.list_payment_types("FV")}
            return bool((kinds.get(self.settings.payment_type_id) or {}).get("due_date"))

        return self._fact("payment_due", self.settings.payment_type_id, read)

    def rule_options(self) -> dict:
        """Colombia's rules for the shared decision: one document kind (the factura electrónica),
        IVA from Siigo, the buyer's ID required (or the default document), zero-price lines refused
        when sending to the DIAN (which does not accept them) and dropped otherwise, the generic SKU."""
        settings = self.settings
        options: dict[str, Any] = {
            "document_rule": "single", "vat_rate": self.vat_tax()[1] / 100, "require_client_document": True,
            "zero_price_lines": "refuse" if settings.send_to_dian else "drop",
            "generic_sku": settings.generic_sku if settings.use_generic_sku else None,
            "default_document": settings.default_document,
        }
        options |= {name: getattr(settings, name) for name in ("default_email", "default_phone")
                    if getattr(settings, name)}
        return options

    # -------------------------------------------------------------------------------- payload
    def idempotency_key(self, draft: InvoiceDraft) -> str:
        from puente.vendors.siigo.hook import idempotency_key

        return idempotency_key(draft.channel, draft.reference)

    def id_type(self, client: Buyer) -> str:
        return ID_TYPES.get((client.doc_type or "").upper(), self.settings.customer_id_type)

    def payload(self, draft: InvoiceDraft, customer_id: str) -> dict:
        settings = self.settings
        day = self.today()
        items = [self._item(line) for line in draft.lines]
        vat_percent = self.vat_tax()[1]
        total = sum((siigo_line_total(line, vat_percent) for line in draft.lines), Decimal(0))
        payment: dict[str, Any] = {"id": settings.payment_type_id, "value": _number(total)}
        if self.payment_needs_due_date():
            payment["due_date"] = (day + timedelta(days=settings.payment_due_days)).isoformat()
        body: dict[str, Any] = {
            "document": {"id": settings.document_type_id},
            "date": day.isoformat(),
            "customer": {"identification": customer_id, "branch_office": 0},
            "seller": settings.seller_id,
            "stamp": {"send": settings.send_to_dian},
            "mail": {"send": settings.send_email},
            "items": items,
            "payments": [payment],
        }
        if settings.cost_center_id is not None:
            body["cost_center"] = settings.cost_center_id
        if settings.currency != LOCAL_CURRENCY:
            body["currency"] = {"code": settings.currency, "exchange_rate": _number(settings.exchange_rate)}
        if settings.observations:
            ordered = f" del {draft.order_date.isoformat()}" if draft.order_date else ""
            body["observations"] = f"Pedido {draft.order_id}{ordered} ({draft.channel}), ref. {draft.reference}"
        return body

    def _item(self, line: DraftLine) -> dict:
        code = line.sku or self.settings.shipping_sku
        if code is None:
            raise PermanentError(vendor_message="no_shipping_product: the shipping line needs a Siigo product; "
                                 "set erp.shipping_sku or turn shipping_as_line off", vendor="siigo")
        item: dict[str, Any] = {"code": code, "description": line.description, "quantity": _number(line.quantity)}
        if line.taxed and line.gross_unit_price != line.net_unit_price:
            item["taxed_price"] = _number(line.gross_unit_price)
        else:
            item["price"] = _number(line.net_unit_price)
        item["taxes"] = [{"id": self.vat_tax()[0]}] if line.taxed else []
        if self.settings.products_warehouse_id is not None and line.sku is not None:
            item["warehouse"] = self.settings.products_warehouse_id
        return item

    # ------------------------------------------------------------------------------- customer
    def customer_body(self, client: Buyer, id_type: str, number: str) -> dict:
        settings = self.settings
        company = id_type == "31"
        words = (client.company if company and client.company else client.name or "").split()
        if company:
            name = [" ".join(words) or number]
        else:
            name = [words[0], " ".join(words[1:]) or "Sin apellido"] if words else ["Consumidor", "Final"]
        contact = {"first_name": name[0][:50], "last_name": (name[1] if len(name) > 1 else "")[:50]}
        if client.email:
            contact["email"] = client.email
        body: dict[str, Any] = {
            "type": "Customer", "person_type": "Company" if company else "Person", "id_type": id_type,
            "identification": number, "branch_office": 0, "name": name,
            "address": {"address": client.address or "No informada",
                        "city": {"country_code": settings.customer_country_code,
                                 "state_code": settings.customer_state_code,
                                 "city_code": settings.customer_city_code}},
            "contacts": [contact],
            "related_users": {"seller_id": settings.seller_id},
        }  # fmt: skip
        phone = _phone(client.phone)
        if phone:
            body["phones"] = [phone]
        return body

    def ensure_customer(self, client: Buyer | None) -> str:
        """The Siigo identification of the draft's buyer, creating the customer when missing."""
        if client is None or not client.doc_number:
            raise PermanentError(vendor_message="customer_settings: the buyer has no identification", vendor="siigo")
        id_type = self.id_type(client)
        number = identification(client, id_type)
        if len(number) < 3:
            raise PermanentError(vendor_message=f"invalid_identification: {client.doc_number!r} is not a valid "
                                 f"identification for Siigo id_type {id_type}", vendor="siigo")
        if number in self._known_customers or self.hook.find_customer(number, 0) is not None:
            self._known_customers.add(number)
            return number
        from puente.vendors.siigo.hook import siigo_error_codes

        try:
            self.hook.create_customer(self.customer_body(client, id_type, number))
        except PermanentError as exc:
            if "already_exists" not in siigo_error_codes(exc):  # another worker created it meanwhile
                raise
        except TransientError:
            if self.hook.find_customer(number, 0) is None:  # a lost answer: did it get created?
                raise
        self._known_customers.add(number)
        return number

    # ------------------------------------------------------------------------------- protocol
    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        customer_id = self.ensure_customer(draft.client)
        invoice = self.hook.create_invoice(self.payload(draft, customer_id),
                                           idempotency_key=self.idempotency_key(draft))
        stamp = invoice.get("stamp") or {}
        if self.settings.send_to_dian and stamp.get("status") == "Rejected":
            raise NeedsPerson(f"Siigo created {invoice.get('name')} but the DIAN rejected it "
                              f"({stamp.get('errors') or stamp.get('observations') or 'no reason given'}); "
                              "fix it in Siigo Nube, then resolve the order")
        return InvoiceRecord(
            doc_id=str(invoice["id"]), number=str(invoice.get("name") or invoice.get("number") or "") or None,
            kind=draft.kind, url=invoice.get("public_url"),
            total=Decimal(str(invoice["total"])) if invoice.get("total") is not None else None,
            created_at=_created(invoice),
        )

    @staticmethod
    def categorize(message: str | None) -> str:
        """Siigo's error codes -> our categories (``invalid_reference`` depends on what is unknown)."""
        text = (message or "").lower()
        codes = CODE.findall(text)
        for code in codes:
            if code in CODE_CATEGORIES:
                return CODE_CATEGORIES[code]
            if code == "invalid_reference" and "product" in text:
                return rules.UNLINKED_SKU
            if code == "invalid_reference" and "customer" in text:
                return rules.CLIENT_INCOMPLETE
            if code == "parameter_required" and ("tax_base" in text or "price 0" in text):
                return rules.ZERO_PRICE
        return rules.VENDOR_REJECTED
