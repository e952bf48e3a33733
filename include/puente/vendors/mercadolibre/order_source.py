"""Mercado Libre orders -> canonical ``Order`` (one seller account selling directly, not via Astroselling).

* Orders are searched by creation date, exact to the instant (the hook cuts the API's hour
  granularity to ``[start, end)``), with the account's ``order_statuses`` as the API filter.
* SKUs are ``item.seller_sku``, falling back to the older ``seller_custom_field``; a listing with
  neither gives a blank SKU, which the invoicing rules report as not linked.
* ``fulfillment`` is the shipment's ``logistic_type`` (``GET /shipments/{id}``, one call per
  shipment: the orders of a cart share it); ``"fulfillment"`` means Mercado Libre Full.
* The buyer comes from the order's billing info (v2: ``identification`` type and number, name,
  address); Mercado Libre never exposes the buyer's e-mail or phone, so the ERP's defaults fill
  them. A NIT, or a "Persona Jurídica" taxpayer, is a company. Without billing info the buyer is
  the order's first and last name.
* Prices are what the buyer paid, IVA included; shipping is what approved payments charged for it.
* ``attach`` is a documented no-op: Mercado Libre's "Cargar factura" (``POST
  /packs/{pack_id}/fiscal_documents``) takes the PDF or XML file itself (one per pack, 1 MB at
  most), while an ``InvoiceRecord`` carries the ERP's number and link, not the file.

Auth: the hook gets an :class:`~puente.state.oauth_tokens.OAuthTokenVault`, so the single-use
refresh token rotated by one task is the one the next task (any process) refreshes with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from puente.hooks.errors import NotFound
from puente.models import Buyer, InvoiceRecord, Order, OrderLine
from puente.vendors.mercadolibre.settings import MercadoLibreSettings

FULFILLMENT = "fulfillment"
ORIGIN = "mercadolibre"


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _join(*parts: object) -> str | None:
    return " ".join(p for p in (_text(part) for part in parts) if p) or None


def to_buyer(order: dict[str, Any], billing: dict[str, Any] | None) -> Buyer:
    """Billing info v2 (``{"buyer": {"billing_info": {...}}}``) or, without it, the order's buyer."""
    info = ((billing or {}).get("buyer") or {}).get("billing_info") or {}
    buyer = order.get("buyer") or {}
    if not info:
        return Buyer(name=_join(buyer.get("first_name"), buyer.get("last_name")) or _text(buyer.get("nickname")))
    identification = info.get("identification") or {}
    doc_type = (_text(identification.get("type")) or "").upper() or None
    taxpayer = str((((info.get("taxes") or {}).get("taxpayer_type")) or {}).get("description") or "")
    name = _join(info.get("name"), info.get("last_name"))
    address = info.get("address") or {}
    return Buyer(
        name=name,
        doc_type=doc_type,
        doc_number=_text(identification.get("number")),
        company=name if doc_type == "NIT" or "jur" in taxpayer.lower() else None,
        address=_join(address.get("street_name"), address.get("street_number")),
        city=_text(address.get("city_name")),
        municipality=_text((address.get("state") or {}).get("name")),
    )


def to_lines(order: dict[str, Any]) -> tuple[OrderLine, ...]:
    from puente.vendors.mercadolibre.hook import item_sku

    return tuple(
        OrderLine(
            sku=(item_sku(entry) or "").strip(),
            name=str((entry.get("item") or {}).get("title") or item_sku(entry) or "item"),
            quantity=_decimal(entry.get("quantity")),
            unit_price=_decimal(entry.get("unit_price")),
        )
        for entry in order.get("order_items") or []
    )


def shipping_paid(order: dict[str, Any]) -> Decimal:
    return sum(
        (_decimal(p.get("shipping_cost")) for p in order.get("payments") or [] if p.get("status") == "approved"),
        Decimal(0),
    )


class MercadoLibreOrderSource:
    """One seller's orders, filtered by the account's statuses and the fulfillment option."""

    def __init__(self, settings: MercadoLibreSettings, hook=None, timezone: str = "America/Bogota") -> None:
        if hook is None:
            from puente.state.oauth_tokens import OAuthTokenVault
            from puente.vendors.mercadolibre.hook import MercadoLibreHook

            hook = MercadoLibreHook(mercadolibre_conn_id=settings.conn_id, token_vault=OAuthTokenVault())
        self.settings = settings
        self.hook = hook
        self.timezone = timezone
        self._logistic: dict[Any, str | None] = {}

    def logistic_type(self, order: dict[str, Any]) -> str | None:
        """The order's shipment ``logistic_type``; None without a Mercado Envíos shipment."""
        from puente.vendors.mercadolibre.hook import logistic_type

        shipment_id = (order.get("shipping") or {}).get("id")
        if not shipment_id:
            return None
        if shipment_id not in self._logistic:
            self._logistic[shipment_id] = logistic_type(self.hook.get_shipment(shipment_id))
        return self._logistic[shipment_id]

    def _billing(self, order_id: Any) -> dict[str, Any] | None:
        try:
            return self.hook.get_billing_info(order_id)
        except NotFound:
            return None

    def to_order(self, payload: dict[str, Any], *, with_billing: bool = True) -> Order:
        created = datetime.fromisoformat(str(payload["date_created"]).replace("Z", "+00:00"))
        return Order(
            id=str(payload["id"]),
            channel=self.settings.conn_id,
            origin_channel=ORIGIN,
            status=str(payload.get("status") or ""),
            fulfillment=self.logistic_type(payload),
            created_at=created,
            currency=str(payload.get("currency_id") or "COP"),
            prices_include_tax=True,
            lines=to_lines(payload),
            shipping_cost=shipping_paid(payload),
            buyer=to_buyer(payload, self._billing(payload["id"]) if with_billing else None),
        )

    def read_orders(self, start: datetime, end: datetime, statuses: Sequence[str] = ()) -> list[Order]:
        """Orders created in ``[start, end)``. ``statuses`` is the flow's (Jumpseller) vocabulary and
        is not used: the account's ``order_statuses`` filter the search. Billing info is read only
        for the orders :meth:`eligible` keeps (the others never reach an ERP)."""
        orders = []
        for payload in self.hook.search_orders(
            created_from=start, created_to=end, statuses=self.settings.order_statuses or None
        ):
            light = self.to_order(payload, with_billing=False)
            orders.append(self.to_order(payload) if self.eligible(light) else light)
        return orders

    def read_order(self, order_id: str) -> Order:
        return self.to_order(self.hook.get_order(order_id))

    def eligible(self, order: Order) -> bool:
        if self.settings.order_statuses and order.status not in self.settings.order_statuses:
            return False
        return self.settings.invoice_fulfillment_orders or order.fulfillment != FULFILLMENT

    def attach(self, order_id: str, record: InvoiceRecord, *, check_first: bool) -> None:
        """No-op (see the module doc): Mercado Libre takes the invoice file, not a number or link."""
        return None
