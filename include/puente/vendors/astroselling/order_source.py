"""Astroselling orders -> canonical ``Order``; the ERP invoice attached back to the order.

Astroselling gathers the orders of every marketplace an account connects (Mercado Libre,
Falabella, Shopify, Dafiti...) and hands them to the ERP that invoices them (articles *Conecta
Siigo / Alegra con Astroselling*). Its orders API is **not public**: the hook implements the
notes' inferred contract (``GET orders``, ``GET orders/{id}``, ``PUT orders/{id}/invoice``), and so
does this mapping.

* ``prices_include_tax`` is True: marketplace prices are what the consumer pays, IVA included
  (the notes' example prices are net x 1.21, Argentina's IVA), and shipping is charged the same way.
* The buyer is Colombian: ``document_type`` (CC, NIT, CE, TI, PP...) and ``document_number`` are
  kept as the DIAN names them; a NIT buyer is a company, so its name is also the company name.
* ``origin_channel`` is ``"<marketplace type>:<channel id>"`` (e.g. ``"mercadolibre:9101"``): the
  type says where the sale happened, the id tells two accounts of one marketplace apart, and both
  are what the "Canales de origen" option may name.
* ``fulfillment`` is the marketplace logistic type when the order gives one (Mercado Libre's
  ``logistic_type``), else ``"fulfillment"`` when the order says the marketplace shipped it.

Eligibility is the articles' "Facturación automática" block (:class:`AstrosellingSettings`):
origin channels, order statuses (empty = all), and fulfillment orders only when activated. The
flow's own ``statuses`` (Jumpseller's vocabulary: paid, pending_payment...) do not apply here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from puente.models import Buyer, InvoiceRecord, Order, OrderLine
from puente.vendors.astroselling.settings import AstrosellingSettings

FULFILLMENT = "fulfillment"
COMPANY_DOCUMENTS = frozenset({"NIT"})
# What marketplaces and people write -> the DIAN's short codes.
DOCUMENT_TYPES = {
    "CC": "CC", "C.C.": "CC", "CEDULA": "CC", "CÉDULA": "CC", "CEDULA DE CIUDADANIA": "CC",
    "NIT": "NIT", "N.I.T.": "NIT", "CE": "CE", "C.E.": "CE", "CEDULA DE EXTRANJERIA": "CE",
    "TI": "TI", "T.I.": "TI", "PP": "PP", "PASAPORTE": "PP", "PASSPORT": "PP", "DNI": "DNI", "RUT": "RUT",
}  # fmt: skip


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def document_type(value: object) -> str | None:
    text = _text(value)
    return None if text is None else DOCUMENT_TYPES.get(text.upper(), text.upper())


def parse_instant(value: object, tz: ZoneInfo) -> datetime:
    """ISO 8601; a naive value is in the account's timezone (Bogotá for Colombian accounts)."""
    parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def origin_channel(payload: dict) -> str:
    kind, channel_id = _text(payload.get("channel_type")), _text(payload.get("channel_id"))
    return ":".join(part for part in (kind, channel_id) if part) or "unknown"


def to_buyer(payload: dict) -> Buyer:
    buyer = payload.get("buyer") or {}
    address = (payload.get("shipping") or {}).get("address") or {}
    doc_type = document_type(buyer.get("document_type"))
    name = _text(buyer.get("name"))
    return Buyer(
        name=name,
        email=_text(buyer.get("email")),
        phone=_text(buyer.get("phone")),
        doc_type=doc_type,
        doc_number=_text(buyer.get("document_number")),
        company=name if doc_type in COMPANY_DOCUMENTS else None,
        address=_text(address.get("street")),
        city=_text(buyer.get("city")) or _text(address.get("city")),
    )


def to_order(payload: dict, channel: str, tz: ZoneInfo) -> Order:
    lines = tuple(
        OrderLine(
            sku=str(item.get("sku") or item.get("id_in_erp") or "").strip(),
            name=str(item.get("title") or item.get("sku") or "item"),
            quantity=_decimal(item.get("quantity")),
            unit_price=_decimal(item.get("price")),
        )
        for item in payload.get("items") or []
    )
    logistic = _text(payload.get("logistic_type"))
    return Order(
        id=str(payload["id"]),
        channel=channel,
        origin_channel=origin_channel(payload),
        status=str(payload.get("status") or "other"),
        fulfillment=logistic or (FULFILLMENT if payload.get("fulfillment") else None),
        created_at=parse_instant(payload["created_at"], tz),
        currency=str(payload.get("currency") or "COP"),
        prices_include_tax=True,
        lines=lines,
        shipping_cost=_decimal((payload.get("shipping") or {}).get("cost")),
        buyer=to_buyer(payload),
    )


class AstrosellingOrderSource:
    """One Astroselling account's orders, filtered by the articles' automatic-invoicing options."""

    def __init__(self, settings: AstrosellingSettings, hook=None, timezone: str = "America/Bogota") -> None:
        if hook is None:
            from puente.vendors.astroselling.hook import AstrosellingHook

            hook = AstrosellingHook(astroselling_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self.tz = ZoneInfo(timezone)
        self._wanted_channels = {str(c).strip().lower() for c in settings.origin_channels}

    def read_orders(self, start: datetime, end: datetime, statuses: Sequence[str] = ()) -> list[Order]:
        """Orders created in ``[start, end)``, exact to the instant.

        ``statuses`` is the flow's (Jumpseller) vocabulary and is not used: the account's own
        ``order_statuses`` and channel ids go to the API as filters (empty = all), fulfillment
        orders are left out there when they are not invoiced, and :meth:`eligible` decides the rest.
        The API's bounds are inclusive, so the end instant is cut here.
        """
        channel_ids = [c for c in self.settings.origin_channels if isinstance(c, int)]
        by_id_only = len(channel_ids) == len(self.settings.origin_channels)
        payloads = self.hook.list_orders(
            created_from=start.astimezone(self.tz),
            created_to=end.astimezone(self.tz),
            statuses=self.settings.order_statuses or None,
            channels=channel_ids if by_id_only and channel_ids else None,
            fulfillment=None if self.settings.invoice_fulfillment_orders else False,
        )
        orders = [to_order(payload, self.settings.conn_id, self.tz) for payload in payloads]
        return [order for order in orders if start <= order.created_at < end]

    def read_order(self, order_id: str) -> Order:
        return to_order(self.hook.get_order(order_id), self.settings.conn_id, self.tz)

    def eligible(self, order: Order) -> bool:
        """The articles' filters: origin channel, status (empty lists = all), fulfillment if activated."""
        if self._wanted_channels:
            parts = {part.lower() for part in (order.origin_channel or "").split(":") if part}
            if not parts & self._wanted_channels:
                return False
        if self.settings.order_statuses and order.status not in self.settings.order_statuses:
            return False
        return self.settings.invoice_fulfillment_orders or order.fulfillment != FULFILLMENT

    def attach(self, order_id: str, record: InvoiceRecord, *, check_first: bool) -> None:
        """``PUT orders/{id}/invoice``: Astroselling marks the order invoiced and keeps the number and
        link. A re-send replaces the attached invoice (idempotent), so ``check_first`` only saves
        the write when the order already shows this invoice."""
        number = record.number or record.doc_id
        if check_first:
            current = self.hook.get_order(order_id).get("invoice") or {}
            if current.get("invoice_number") == number:
                return
        self.hook.mark_invoiced(order_id, number, invoice_url=record.url)
