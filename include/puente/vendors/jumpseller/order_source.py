"""Jumpseller orders -> canonical ``Order``; documents attached back to the order.

Chilean stores sell at gross prices (IVA included), so ``prices_include_tax`` is True. The RUT
for a factura is ``billing_address.taxid``; company and giro come from ``billing_information``.
Jumpseller's line ``discount`` is read as the line's total discount amount.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from puente.models import Buyer, InvoiceRecord, Order, OrderLine
from puente.vendors.jumpseller.settings import JumpsellerSettings

log = logging.getLogger(__name__)

INVOICE_DOCUMENT = 1  # Jumpseller document_type: 0 credit note, 1 invoice
APP_CODE = "puente"


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def parse_timestamp(value: object) -> datetime:
    """Jumpseller writes ``2024-06-01 01:12:33 UTC``; accept ISO 8601 too."""
    text = str(value).strip()
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_order(payload: dict, channel: str) -> Order:
    billing = payload.get("billing_address") or {}
    info = payload.get("billing_information") or {}
    customer = payload.get("customer") or {}
    street = " ".join(p for p in (_text(billing.get("address")), _text(billing.get("street_number"))) if p)
    name = " ".join(p for p in (_text(billing.get("name")), _text(billing.get("surname"))) if p)
    buyer = Buyer(
        name=name or _text(customer.get("fullname")),
        email=_text(customer.get("email")),
        phone=_text(customer.get("phone")),
        doc_type="RUT" if _text(billing.get("taxid")) else None,
        doc_number=_text(billing.get("taxid")),
        company=_text(info.get("company_name")),
        activity=_text(info.get("business_activity")),
        address=street or None,
        city=_text(billing.get("city")),
        municipality=_text(billing.get("municipality")),
    )
    lines = tuple(
        OrderLine(
            sku=str(item.get("sku") or "").strip(),
            name=str(item.get("name") or item.get("sku") or "item"),
            quantity=_decimal(item.get("qty")),
            unit_price=_decimal(item.get("price")),
            discount=_decimal(item.get("discount")),
        )
        for item in payload.get("products") or []
    )
    source = payload.get("source") or {}
    return Order(
        id=str(payload["id"]),
        channel=channel,
        origin_channel=_text(source.get("created_from")),
        status=str(payload.get("status_enum") or str(payload.get("status", "")).lower().replace(" ", "_")),
        fulfillment=_text(payload.get("fulfillment_status")),
        created_at=parse_timestamp(payload["created_at"]),
        currency=str(payload.get("currency") or "CLP"),
        prices_include_tax=True,
        lines=lines,
        shipping_cost=_decimal(payload.get("shipping")),
        buyer=buyer,
    )


class JumpsellerOrderSource:
    def __init__(self, settings: JumpsellerSettings, hook=None, timezone: str = "America/Santiago") -> None:
        if hook is None:
            from puente.vendors.jumpseller.hook import JumpsellerHook

            hook = JumpsellerHook(jumpseller_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self.tz = ZoneInfo(timezone)

    def read_orders(self, start: datetime, end: datetime, statuses: Sequence[str]) -> list[Order]:
        """Orders created in ``[start, end)``: the API filters whole days, we cut to the instant."""
        payloads = self.hook.iter_orders(
            statuses=list(statuses), date_from=start.astimezone(self.tz).date(), date_to=end.astimezone(self.tz).date()
        )
        orders = [to_order(payload, self.settings.conn_id) for payload in payloads]
        return [order for order in orders if start <= order.created_at < end]

    def read_open_orders(self, statuses: Iterable[str], since: datetime) -> list[Order]:
        """Orders in ``statuses`` (those holding the store's stock) created at or after ``since``.

        One ``/orders/status/{status}.json`` walk per status, newest first, stopped at the first
        order older than ``since`` (the bound: a busy store's paid history is never read whole).
        An order that cannot be parsed is skipped with a warning rather than blocking every
        reservation of the store (it holds nothing we could count anyway). Transport errors are
        raised: the caller then keeps the store's stock from going up this run.
        """
        found: list[Order] = []
        for status in statuses:
            for payload in self.hook.iter_orders_with_status(status):
                try:
                    order = to_order(payload, self.settings.conn_id)
                except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                    log.warning("%s: skipping unreadable %s order: %s", self.settings.conn_id, status, exc)
                    continue
                if order.created_at < since:
                    break
                found.append(order)
        return found

    def read_order(self, order_id: str) -> Order:
        return to_order(self.hook.get_order(order_id), self.settings.conn_id)

    def attach(self, order_id: str, record: InvoiceRecord, *, check_first: bool) -> None:
        """Attach the document to the order; after an uncertain attempt, look before posting again."""
        if check_first:
            for document in self.hook.list_order_documents(order_id):
                if str(document.get("external_id")) == record.doc_id:
                    return
        self.hook.create_order_document(order_id, {
            "document_type": INVOICE_DOCUMENT,
            "external_id": record.doc_id,
            "public_id": f"{record.kind}-{record.number or record.doc_id}",
            "url": record.url,
            "app_code": APP_CODE,
        })
