"""Turn a drafted order into Jumpseller's ``order`` object (part of the order generator).

Field names and types follow the OpenAPI ``OrderFields`` schema; which fields carry ``null``
follows a real webhook payload (``coupons``, ``pickup_address`` on deliveries, ``taxid`` and
``billing_information`` on boletas, the tracking fields, ...), since Jumpseller states that "all
empty values are replaced with null". Product lines carry the spec's ``OrderProduct`` fields only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from puente_sandbox.order_models import STATUS_LABELS, format_timestamp, iva_included
from puente_sandbox.orders_people import People
from puente_sandbox.rand import pick, randint

IVA_TAX = {"id": 1, "name": "IVA", "rate": 19.0, "fixed": False, "tax_on_product_price": True}
CARRIERS = ((2990.0, "Starken", 836621), (3490.0, "Chilexpress", 836622), (3990.0, "Blue Express", 836623))
PAYMENTS = (
    ("Webpay Plus", "webpay_plus", "Tipo de Transaccion: Venta"),
    ("Mercado Pago", "mercadopago", None),
    ("Transferencia bancaria", "manual", None),
)
PICKUP = {
    "name": "Casa Matriz",
    "surname": None,
    "address": "Av. Providencia 1234",
    "street_number": None,
    "complement": None,
    "city": "Santiago",
    "municipality": "Providencia",
    "region": "Región Metropolitana",
    "region_code": "12",
    "country": "Chile",
    "country_code": "CL",
    "postal": None,
    "pickup_place_name": "Casa Matriz",
}
BLANK_KEYS = (
    "id", "created_at", "completed_at", "currency", "subtotal", "tax", "shipping_tax", "shipping",
    "shipping_required", "total", "discount", "shipping_discount", "gift_cards_discount",
    "fulfillment_status", "shipping_method_id", "shipping_method_name", "payment_method_name",
    "payment_method_type", "payment_information", "additional_information", "coupons", "promotions",
    "source", "customer", "shipping_branch", "shipping_address", "billing_address", "pickup_address",
    "products", "additional_fields", "shipping_taxes", "status", "status_name", "status_enum",
    "tracking_url", "tracking_company", "tracking_number", "shipping_option", "same_day_delivery",
    "shipment_status", "shipment_status_enum", "recovered_from", "external_shipping_rate_id",
    "external_shipping_rate_description", "billing_information",
)  # fmt: skip


@dataclass(slots=True)
class Line:
    product_id: int
    variant_id: int | None
    sku: str
    name: str
    qty: int
    price: float  # gross unit price, IVA included

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.product_id,
            "variant_id": self.variant_id,
            "sku": self.sku,
            "name": self.name,
            "qty": self.qty,
            "price": float(self.price),
            "discount": 0.0,
            "weight": 1.0,
            "taxes": [dict(IVA_TAX)],
            "stock_locations": [],
        }


@dataclass
class OrderDraft:
    order_id: int
    created: datetime
    kind: str  # "plain", an edge kind, or an unpaid status
    status: str = "paid"
    lines: list[Line] = field(default_factory=list)
    customer: int = 0
    factura: bool = False
    shipping: bool = False
    fulfilled: bool = False

    def groups(self) -> list[str]:
        """The scenario category lists this order belongs to."""
        if self.status != "paid":
            return [self.status]
        names = ["paid", self.kind, "factura" if self.factura else "boleta"]
        if self.kind in ("plain", "partial_zero"):
            names.append("invoiceable")
        if self.shipping:
            names.append("with_shipping")
        if self.fulfilled:
            names.append("fulfilled")
        return names


def money(products: list[dict[str, Any]], shipping: float, discount: float = 0.0) -> dict[str, float]:
    """Order amounts of a Chilean store (gross prices): tax is the IVA inside, not on top."""
    subtotal = float(sum(float(p["price"]) * int(p["qty"]) for p in products))
    return {
        "subtotal": subtotal,
        "tax": iva_included(subtotal),
        "shipping_tax": iva_included(shipping),
        "shipping": float(shipping),
        "discount": float(discount),
        "total": subtotal + float(shipping) - float(discount),
    }


def blank_fields(order_id: int, created: datetime) -> dict[str, Any]:
    """A minimal pending order with every key the generator emits (for inspection writes)."""
    fields: dict[str, Any] = dict.fromkeys(BLANK_KEYS)
    fields.update(
        id=order_id,
        created_at=format_timestamp(created),
        currency="CLP",
        shipping_required=True,
        shipping_discount=0.0,
        gift_cards_discount=0.0,
        fulfillment_status="unfulfilled",
        promotions=[],
        source={"created_from": "api"},
        customer={"id": None, "email": None, "phone": None, "phone_prefix": None, "ip": None, "fullname": None},
        shipping_branch={"id": None, "name": None},
        products=[],
        additional_fields=[],
        shipping_taxes=[],
        status=STATUS_LABELS["pending_payment"],
        status_name=STATUS_LABELS["pending_payment"],
        status_enum="pending_payment",
        shipping_option="no_shipping",
        same_day_delivery=False,
        shipment_status="Unfulfilled",
        shipment_status_enum="unfulfilled",
    )
    fields.update(money([], 0.0))
    return fields


def build_fields(draft: OrderDraft, people: People, rng: random.Random) -> dict[str, Any]:
    products = [line.as_json() for line in draft.lines]
    shipping_cost, carrier, carrier_id = pick(rng, CARRIERS) if draft.shipping else (0.0, "Retiro en tienda", 1)
    taxid, billing_information = people.company() if draft.factura else (None, None)
    paid = draft.status == "paid"
    payment = pick(rng, PAYMENTS[:2]) if paid else PAYMENTS[2]
    completed = draft.created + timedelta(seconds=randint(rng, 60, 900)) if paid else None
    delivered = draft.fulfilled
    amounts = money(products, shipping_cost)
    return {
        "id": draft.order_id,
        "created_at": format_timestamp(draft.created),
        "completed_at": None if completed is None else format_timestamp(completed),
        "currency": "CLP",
        "subtotal": amounts["subtotal"],
        "tax": amounts["tax"],
        "shipping_tax": amounts["shipping_tax"],
        "shipping": amounts["shipping"],
        "shipping_required": True,
        "total": amounts["total"],
        "discount": amounts["discount"],
        "shipping_discount": 0.0,
        "gift_cards_discount": 0.0,
        "fulfillment_status": "fulfilled" if delivered else "unfulfilled",
        "shipping_method_id": carrier_id,
        "shipping_method_name": carrier,
        "payment_method_name": payment[0],
        "payment_method_type": payment[1],
        "payment_information": payment[2],
        "additional_information": None,
        "coupons": None,
        "promotions": [],
        "source": {"created_from": "checkout"},
        "customer": dict(people.customers[draft.customer]),
        "shipping_branch": {"id": None, "name": None},
        "shipping_address": people.shipping_address(draft.customer),
        "billing_address": people.billing_address(draft.customer, taxid),
        "pickup_address": None if draft.shipping else dict(PICKUP),
        "products": products,
        "additional_fields": [
            {"value": "Sí" if rng.random() < 0.3 else "No", "label": "accepts_marketing", "id": None, "area": "contact"}
        ],
        "shipping_taxes": [],
        "status": STATUS_LABELS[draft.status],
        "status_name": STATUS_LABELS[draft.status],
        "status_enum": draft.status,
        "tracking_url": None,
        "tracking_company": None,
        "tracking_number": None,
        "shipping_option": "delivery" if draft.shipping else "store_pickup",
        "same_day_delivery": False,
        "shipment_status": "Delivered" if delivered else "Unfulfilled",
        "shipment_status_enum": "delivered" if delivered else "unfulfilled",
        "recovered_from": None,
        "external_shipping_rate_id": None,
        "external_shipping_rate_description": None,
        "billing_information": billing_information,
    }
