"""Deterministic seed data for one Astroselling account: channels, per-channel products, orders.

``generate_astroselling_data(seed, skus=..., n_orders=..., start=..., days=...)`` derives
everything from ``random.Random(seed)`` and fixed dates, so the same arguments always give the same
account. It is shaped for Colombian merchants (the Siigo/Alegra articles): one currency (COP), one
price per product and channel, stock per channel, and orders from Mercado Libre (some of them
fulfillment), Falabella, Shopify and Dafiti.

Products follow the documented Jupiter fields (``channel_id, id_in_erp, sku, title, price,
currency, stock, description, extra_info, variations, images``); ``id_in_erp`` equals the SKU,
the way an ERP integration publishes them. Channel fields beyond the README's prose (id, internal
name, sync method, channel type) are inferred: ``marketplace`` is the type's display name.
Orders follow the notes' **inferred** contract (no public orders API exists), plus
``logistic_type`` (Mercado Libre's, behind ``fulfillment``) and ``buyer.city``.

Edge cases every generated account has (flows and tests rely on them): every status and channel
appears, at least one fulfillment order, a line with price 0 (DIAN refuses it), a line whose SKU is
in no channel (``UNKNOWN_SKU_PREFIX``), a buyer without e-mail, phone or document, and a SKU that is
missing from one channel.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from puente_sandbox.rand import pick, randint

BOGOTA = timezone(timedelta(hours=-5), "America/Bogota")  # Colombia: UTC-5, no DST
DEFAULT_START = date(2024, 5, 1)
CURRENCY = "COP"
STATUSES = ("pending", "shipped", "completed", "cancelled", "other")
STATUS_WEIGHTS = (2, 3, 8, 1, 1)
UNKNOWN_SKU_PREFIX = "NO-EXISTE-"
FOREIGN_CHANNEL_ID = 9000  # belongs to another account: 403 (inferred)

# (id, internal name, type, marketplace, price markup, order weight)
CHANNELS: tuple[tuple[int, str, str, str, float, int], ...] = (
    (9101, "Mercado Libre CO", "mercadolibre", "Mercado Libre", 1.00, 6),
    (9102, "Falabella CO", "falabella", "Falabella", 1.05, 2),
    (9103, "Tienda Shopify", "shopify", "Shopify", 0.95, 2),
    (9104, "Dafiti CO", "dafiti", "Dafiti", 1.10, 1),
)
ML_LOGISTIC_TYPES = ("fulfillment", "cross_docking", "drop_off", "self_service", "xd_drop_off")

NOUNS = ("Camiseta", "Jean", "Tenis", "Chaqueta", "Gorra", "Morral", "Pocillo", "Lámpara", "Cojín", "Ruana",
         "Mochila wayuu", "Sombrero vueltiao", "Termo", "Bolso", "Correa")  # fmt: skip
ADJECTIVES = ("Clásica", "Urbana", "Andina", "Caribe", "Premium", "Básica", "Deportiva", "Eco", "Paisa")
FIRST = ("Andrés", "Valentina", "Santiago", "Camila", "Juan David", "Mariana", "Felipe", "Daniela", "Mateo", "Laura")
LAST = ("Rodríguez", "Gómez", "Martínez", "López", "García", "Hernández", "Díaz", "Moreno", "Rojas", "Vargas")
CITIES = (("Bogotá", "Bogotá D.C.", "110111"), ("Medellín", "Antioquia", "050001"), ("Cali", "Valle del Cauca",
          "760001"), ("Barranquilla", "Atlántico", "080001"), ("Bucaramanga", "Santander", "680001"))  # fmt: skip
STREETS = ("Cra. 18 #79A - 42", "Calle 10 #43-12", "Av. 6N #23-45", "Cra. 54 #72-80", "Calle 5 #4-33")


@dataclass
class AstrosellingSeed:
    """One account: ``products`` maps channel id -> products in listing order."""

    channels: list[dict[str, Any]]
    products: dict[int, list[dict[str, Any]]]
    orders: list[dict[str, Any]]
    seed: int = 0


def channel_record(channel_id: int, name: str, kind: str, marketplace: str) -> dict[str, Any]:
    return {"id": channel_id, "name": name, "sync_method": "push", "type": kind, "marketplace": marketplace}


def product_record(channel_id: int, sku: str, title: str, price: float, stock: int) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "id_in_erp": sku,
        "sku": sku,
        "title": title,
        "price": price,
        "currency": CURRENCY,
        "stock": stock,
        "description": title,
        "extra_info": {},
        "variations": [],
        "images": [{"path": f"https://cdn.sandbox-astroselling.test/{sku}.jpg"}],
    }


def _products(rng: random.Random, skus: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
    base = {sku: (f"{pick(rng, NOUNS)} {pick(rng, ADJECTIVES)}", randint(rng, 5, 400) * 1000) for sku in skus}
    products: dict[int, list[dict[str, Any]]] = {}
    for index, (channel_id, _, _, _, markup, _) in enumerate(CHANNELS):
        listed = [s for s in skus if index == 0 or rng.random() >= 0.05]
        if index == 1 and len(listed) == len(skus) and len(skus) > 1:
            listed = listed[:-1]  # one SKU is always missing from a channel
        products[channel_id] = [
            product_record(channel_id, s, base[s][0], float(round(base[s][1] * markup, -2)), randint(rng, 0, 40))
            for s in listed
        ]
    return products


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _buyer(rng: random.Random) -> dict[str, Any]:
    first, last = pick(rng, FIRST), pick(rng, LAST)
    kind = pick(rng, ("CC",) * 7 + ("NIT", "CE", None))
    number = {None: None, "NIT": str(randint(rng, 800_000_000, 999_999_999)), "CE": str(randint(rng, 100_000, 999_999))}
    city = pick(rng, CITIES)
    email = f"{_ascii(first.split()[0])}.{_ascii(last)}{randint(rng, 1, 99)}@correo.co"
    phone = f"+57 3{randint(rng, 0, 2)}{randint(rng, 0, 9)} {randint(rng, 1_000_000, 9_999_999)}"
    return {
        "name": f"{first} {last}",
        "email": None if rng.random() < 0.1 else email,
        "phone": None if rng.random() < 0.1 else phone,
        "document_type": kind,
        "document_number": number.get(kind, str(randint(rng, 10_000_000, 1_199_999_999))),
        "city": city[0],
        "_address": {"street": pick(rng, STREETS), "city": city[0], "state": city[1], "zip": city[2]},
    }


def order_total(order: dict[str, Any]) -> float:
    lines = sum(float(i["quantity"]) * float(i["price"]) for i in order["items"])
    return round(lines + float((order.get("shipping") or {}).get("cost") or 0), 2)


def _channel_order_id(rng: random.Random, kind: str, number: int) -> str:
    if kind == "mercadolibre":
        return f"2000{randint(rng, 10**11, 10**12 - 1)}"
    if kind == "shopify":
        return f"#{1000 + number}"
    return str(randint(rng, 10**8, 10**9 - 1))


def _order(
    rng: random.Random, number: int, created: datetime, products: dict[int, list[dict[str, Any]]]
) -> dict[str, Any]:
    weights = [c[5] for c in CHANNELS]
    channel_id, _, kind, _, _, _ = rng.choices(CHANNELS, weights=weights)[0]
    catalog = products[channel_id] or products[CHANNELS[0][0]]
    items = []
    for product in rng.sample(catalog, k=min(len(catalog), randint(rng, 1, 3))):
        items.append({"sku": product["sku"], "id_in_erp": product["id_in_erp"], "title": product["title"],
                      "quantity": randint(rng, 1, 3), "price": product["price"]})  # fmt: skip
    buyer = _buyer(rng)
    logistic = pick(rng, ML_LOGISTIC_TYPES[:1] * 2 + ML_LOGISTIC_TYPES) if kind == "mercadolibre" else None
    order = {
        "id": f"AS-{100000 + number}",
        "channel_id": channel_id,
        "channel_type": kind,
        "channel_order_id": _channel_order_id(rng, kind, number),
        "status": rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
        "fulfillment": logistic == "fulfillment",
        "logistic_type": logistic,
        "currency": CURRENCY,
        "total": 0.0,
        "created_at": created.isoformat(timespec="seconds"),
        "invoiced": False,
        "invoice": None,
        "buyer": {k: v for k, v in buyer.items() if k != "_address"},
        "shipping": {"cost": float(pick(rng, (0, 0, 8000, 12000))), "address": buyer["_address"]},
        "items": items,
    }
    order["total"] = order_total(order)
    return order


def _force_edge_cases(orders: list[dict[str, Any]], products: dict[int, list[dict[str, Any]]]) -> None:
    """Make sure every documented case appears, whatever the dice said (needs >= 5 orders)."""
    for order, status in zip(orders, STATUSES, strict=False):
        order["status"] = status
    for order, channel in zip(orders[1:], CHANNELS, strict=False):
        catalog = products[channel[0]]
        order.update(channel_id=channel[0], channel_type=channel[2], fulfillment=False, logistic_type=None)
        order["channel_order_id"] = _channel_order_id(random.Random(order["id"]), channel[2], int(order["id"][3:]))
        order["items"] = [{**order["items"][0], "sku": catalog[0]["sku"], "id_in_erp": catalog[0]["id_in_erp"],
                           "title": catalog[0]["title"], "price": catalog[0]["price"]}]  # fmt: skip
    first = orders[0]
    first.update(channel_id=CHANNELS[0][0], channel_type=CHANNELS[0][2], fulfillment=True, logistic_type="fulfillment")
    first["channel_order_id"] = _channel_order_id(random.Random(first["id"]), CHANNELS[0][2], 0)
    ml_prices = {p["sku"]: p["price"] for p in products[CHANNELS[0][0]]}
    first["items"] = [{**i, "price": ml_prices[i["sku"]]} for i in first["items"] if i["sku"] in ml_prices]
    first["items"] = first["items"] or [dict(orders[1]["items"][0])]
    orders[2]["items"].append({**orders[2]["items"][0], "title": "Obsequio", "price": 0.0, "quantity": 1})
    orders[3]["items"].append({"sku": f"{UNKNOWN_SKU_PREFIX}001", "id_in_erp": f"{UNKNOWN_SKU_PREFIX}001",
                               "title": "Producto sin SKU en el ERP", "quantity": 1, "price": 25000.0})  # fmt: skip
    orders[4]["buyer"].update(email=None, phone=None, document_type=None, document_number=None)
    for order in orders:
        order["total"] = order_total(order)


def generate_astroselling_data(
    seed: int = 0,
    *,
    skus: Sequence[str] | None = None,
    n_products: int = 40,
    n_orders: int = 100,
    start: date = DEFAULT_START,
    days: int = 30,
) -> AstrosellingSeed:
    """An account whose products carry ``skus`` (default ``SKU-0001``..: the Siigo seed's codes) and
    ``n_orders`` orders spread over ``days`` days from ``start`` (Bogotá time), oldest first."""
    rng = random.Random(seed)
    skus = list(skus) if skus is not None else [f"SKU-{i:04d}" for i in range(1, n_products + 1)]
    if not skus:
        raise ValueError("an Astroselling account needs at least one SKU")
    channels = [channel_record(c[0], c[1], c[2], c[3]) for c in CHANNELS]
    products = _products(rng, skus)
    span = max(days, 1) * 24 * 60
    minutes = sorted(randint(rng, 0, span - 1) for _ in range(n_orders))
    origin = datetime.combine(start, time(0, 0), tzinfo=BOGOTA)
    orders = [_order(rng, n, origin + timedelta(minutes=m), products) for n, m in enumerate(minutes)]
    if len(orders) >= len(STATUSES):
        _force_edge_cases(orders, products)
    return AstrosellingSeed(channels=channels, products=products, orders=orders, seed=seed)
