"""Deterministic seed for one Mercado Libre Colombia (MCO) seller: listings, orders, shipments.

``generate_mercadolibre_data(seed, start, days, n_orders)`` derives everything from
``random.Random(seed)`` and fixed dates, so the same arguments always give the same account.
Order and shipment shapes follow ../shared/vendor-apis/mercadolibre.md §3 (the official order
example, trimmed, plus fields seen in clients); billing info follows the documented v2 resource.

Cases every account has (tests and flows rely on them): paid and cancelled orders spread over
the date range; fulfillment (Full) shipments and other ``logistic_type`` values; listings with
``seller_sku``, one with only the older ``seller_custom_field``, one with neither, one with
variations (``variation_id``); a cart (two orders sharing ``pack_id`` and ``shipping.id``); an
order without shipping (``shipping.id`` null, "a convenir"); CC (person) and NIT (company)
buyers. SKUs are ``SKU-0001``... like the Siigo sandbox's product codes, so the two align.

(inferred) Timestamps use ``-04:00`` as in the official examples, whatever the site.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from puente_sandbox.rand import pick, randint

MELI_TZ = timezone(timedelta(hours=-4))
DEFAULT_START = date(2026, 7, 1)
SITE_ID, CURRENCY = "MCO", "COP"
SELLER_ID, SELLER_NICKNAME = 1287654321, "PUENTETIENDACO"
NO_SKU_ITEM, LEGACY_SKU_ITEM, VARIATION_ITEM = "MCO1400000019", "MCO1400000018", "MCO1400000017"
LOGISTIC_TYPES = ("fulfillment", "cross_docking", "drop_off", "self_service", "xd_drop_off")
NOUNS = ("Camiseta", "Tenis", "Chaqueta", "Gorra", "Morral", "Termo", "Lámpara", "Cojín", "Bolso", "Ruana")
ADJECTIVES = ("Clásica", "Urbana", "Andina", "Caribe", "Premium", "Eco")
FIRST = ("Andrés", "Valentina", "Santiago", "Camila", "Mateo", "Laura", "Felipe", "Daniela")
LAST = ("Rodríguez", "Gómez", "Martínez", "López", "García", "Díaz", "Moreno", "Rojas")
COMPANIES = ("Distribuciones El Dorado SAS", "Café Cordillera SAS", "Textiles del Valle Ltda")


def meli_timestamp(instant: datetime) -> str:
    """``2026-07-01T10:01:50.000-04:00``: milliseconds and offset, as Mercado Libre writes dates."""
    local = instant.astimezone(MELI_TZ)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")[:3] + ":00"


@dataclass
class MercadoLibreSeed:
    seed: int
    seller: dict[str, Any]
    listings: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    shipments: dict[int, dict[str, Any]] = field(default_factory=dict)
    billing: dict[int, dict[str, Any]] = field(default_factory=dict)  # buyer id -> billing_info


def _listings(rng: random.Random) -> list[dict[str, Any]]:
    listings = []
    for n in range(1, 20):
        item_id = f"MCO{1400000000 + n}"
        listing: dict[str, Any] = {
            "id": item_id, "title": f"{pick(rng, NOUNS)} {pick(rng, ADJECTIVES)} {n}",
            "category_id": f"MCO{randint(rng, 1000, 1999)}", "seller_sku": f"SKU-{n:04d}",
            "seller_custom_field": None, "price": randint(rng, 20, 400) * 1000 - 100, "variations": [],
        }  # fmt: skip
        if item_id == LEGACY_SKU_ITEM:
            listing.update(seller_sku=None, seller_custom_field=f"SKU-{n:04d}")
        elif item_id == NO_SKU_ITEM:
            listing["seller_sku"] = None
        elif item_id == VARIATION_ITEM:
            listing["variations"] = [
                {"id": 180000000000 + k, "seller_sku": f"SKU-{n:04d}-{size}",
                 "attributes": [{"id": "SIZE", "name": "Talla", "value_name": size}]}
                for k, size in enumerate(("S", "M", "L"))
            ]  # fmt: skip
        listings.append(listing)
    return listings


def _buyer(rng: random.Random, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    buyer_id = 2100000000 + n
    first, last = pick(rng, FIRST), pick(rng, LAST)
    buyer = {"id": buyer_id, "nickname": f"{first[:4].upper()}{last[:4].upper()}{n}", "first_name": first,
             "last_name": last, "billing_info": {"id": str(677000000000000000 + buyer_id)}}  # fmt: skip
    company = n % 5 == 0
    number = randint(rng, 800000000, 999999999) if company else randint(rng, 10**7, 10**10 - 1)
    billing = {
        "name": pick(rng, COMPANIES) if company else first, "last_name": None if company else last,
        "identification": {"type": "NIT" if company else "CC",
                           "number": str(number)},
        "taxes": {"taxpayer_type": {"description": "Persona Jurídica" if company else "Persona Natural"}},
        "address": {"street_name": "Calle 10", "street_number": str(randint(rng, 1, 99)), "city_name": "Medellín",
                    "state": {"code": "CO-ANT", "name": "Antioquia"}, "zip_code": "050021", "country_id": "CO"},
    }  # fmt: skip
    return buyer, billing


def _order_item(rng: random.Random, listing: dict[str, Any]) -> dict[str, Any]:
    variation = pick(rng, listing["variations"]) if listing["variations"] else None
    price = listing["price"]
    return {
        "item": {"id": listing["id"], "title": listing["title"], "category_id": listing["category_id"],
                 "variation_id": variation["id"] if variation else None,
                 "seller_sku": variation["seller_sku"] if variation else listing["seller_sku"],
                 "seller_custom_field": listing["seller_custom_field"],
                 "variation_attributes": variation["attributes"] if variation else []},
        "quantity": randint(rng, 1, 3), "unit_price": price, "full_unit_price": price,
        "sale_fee": round(price * 0.13, 2), "currency_id": CURRENCY,
    }  # fmt: skip


def generate_mercadolibre_data(
    seed: int = 11, *, start: date = DEFAULT_START, days: int = 60, n_orders: int = 120
) -> MercadoLibreSeed:
    """``n_orders`` orders spread over ``days`` days from ``start`` (~15% cancelled)."""
    rng = random.Random(f"mercadolibre-{seed}")
    seller = {"id": SELLER_ID, "nickname": SELLER_NICKNAME, "site_id": SITE_ID, "country_id": "CO",
              "first_name": "Puente", "last_name": "Tienda", "user_type": "normal",
              "registration_date": "2019-03-14T09:12:40.000-04:00", "tags": ["normal", "eshop"]}  # fmt: skip
    data = MercadoLibreSeed(seed=seed, seller=seller, listings=_listings(rng))
    origin = datetime.combine(start, time(0, 0), MELI_TZ)
    stamps = sorted(origin + timedelta(seconds=randint(rng, 0, days * 86400 - 1)) for _ in range(n_orders))
    pack: tuple[int, int] | None = None
    for n, created in enumerate(stamps):
        buyer, billing = _buyer(rng, n)
        cancelled = rng.random() < 0.15
        listing = data.listings[n % len(data.listings)]
        items = [_order_item(rng, listing)]
        if n % 7 == 3:
            items.append(_order_item(rng, pick(rng, data.listings)))
        total = sum(i["quantity"] * i["unit_price"] for i in items)
        order_id = 2000010000000000 + n * 7919
        shipment_id: int | None = 44000000000 + n
        pack_id = None
        if n == 10:  # a cart: this order and the next share a pack and one shipment
            pack = (2000009000000000 + n, shipment_id)
        if pack is not None and n in (10, 11):
            pack_id, shipment_id = pack
            buyer = data.orders[-1]["buyer"] if n == 11 else buyer
        if n == 5:
            shipment_id = None  # shipping "to agree": no Mercado Envíos shipment
        closed = created + timedelta(minutes=randint(rng, 1, 30))
        order = {
            "id": order_id, "status": "cancelled" if cancelled else "paid", "status_detail": None,
            "date_created": meli_timestamp(created), "date_closed": meli_timestamp(closed),
            "last_updated": meli_timestamp(closed), "pack_id": pack_id,
            "tags": ["not_delivered"] if cancelled else ["paid", "delivered"],
            "total_amount": total, "paid_amount": 0 if cancelled else total, "currency_id": CURRENCY,
            "order_items": items, "buyer": buyer, "seller": {"id": SELLER_ID},
            "payments": [{"id": 59000000000 + n, "status": "cancelled" if cancelled else "approved",
                          "transaction_amount": total, "shipping_cost": 0, "currency_id": CURRENCY,
                          "date_approved": None if cancelled else meli_timestamp(closed)}],
            "shipping": {"id": shipment_id},
            "cancel_detail": {"group": "buyer", "code": "buyer_cancel_express", "requested_by": "buyer",
                              "description": "Cancelled by the buyer", "date": meli_timestamp(closed)}
            if cancelled else None,
        }  # fmt: skip
        data.orders.append(order)
        data.billing[buyer["id"]] = data.billing.get(buyer["id"], billing)
        if shipment_id is not None and shipment_id not in data.shipments:
            data.shipments[shipment_id] = _shipment(shipment_id, order, pick(rng, LOGISTIC_TYPES), closed)
        elif shipment_id is not None:
            data.shipments[shipment_id]["order_ids"] = [*data.shipments[shipment_id].get("order_ids", []), order_id]
    return data


def _shipment(shipment_id: int, order: dict[str, Any], logistic: str, created: datetime) -> dict[str, Any]:
    """(inferred) the shipment fields Puente reads; ``logistic_type`` is the documented key."""
    cancelled = order["status"] == "cancelled"
    return {
        "id": shipment_id, "mode": "me2", "logistic_type": logistic,
        "status": "cancelled" if cancelled else "delivered", "substatus": None,
        "order_id": order["id"], "order_ids": [order["id"]], "site_id": SITE_ID,
        "date_created": meli_timestamp(created), "sender_id": SELLER_ID, "receiver_id": order["buyer"]["id"],
        "tags": ["self_service_in"] if logistic == "fulfillment" and shipment_id % 9 == 0 else [],
        "receiver_address": {"city": {"name": "Medellín"}, "state": {"id": "CO-ANT"}, "country": {"id": "CO"}},
    }  # fmt: skip
