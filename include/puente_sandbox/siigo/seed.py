"""Deterministic seed data for one Siigo Nube company: products, customers and past invoices.

``generate_siigo_data(seed, ...)`` derives everything from ``random.Random(seed)`` and fixed
dates, so the same arguments always give the same company. Invoices are generated as *create
payloads* (what the API's ``POST /v1/invoices`` takes) plus a creation instant; the store turns
them into stored invoices with the same code path the API uses, so seeded and API-made invoices
can never disagree on totals, numbering or shape.

Edge cases every company has (tests and flows rely on them): an inactive product, a zero-price
gift product (``OBSEQUIO-01``, the DIAN "no price" case), a service without stock control, an
inactive customer, a customer without contacts (``customer_settings``), and one NIT with two
branch offices (0 and 1). ``product_codes`` lets a flow align Siigo's codes with a sales channel's
SKUs (Astroselling's rule: "el SKU entre ambos canales debe coincidir").
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from puente_sandbox.rand import pick, randint
from puente_sandbox.siigo import catalogs as cat
from puente_sandbox.siigo.money import as_json_number, line_amounts

BOGOTA_OFFSET = timedelta(hours=-5)  # Colombia keeps UTC-5 all year (no DST)
DEFAULT_START = date(2024, 5, 1)
GIFT_CODE = "OBSEQUIO-01"
SERVICE_CODE = "SERV-INSTALACION"
INACTIVE_CODE = "DESCONTINUADO-01"

NOUNS = (
    "Camiseta", "Jean", "Tenis", "Chaqueta", "Gorra", "Morral", "Pocillo", "Lámpara", "Cojín",
    "Bufanda", "Medias", "Termo", "Cuaderno", "Ruana", "Vestido", "Camisa", "Correa", "Bolso",
    "Sombrero vueltiao", "Mochila wayuu",
)  # fmt: skip
ADJECTIVES = ("Clásica", "Urbana", "Andina", "Caribe", "Premium", "Básica", "Deportiva", "Eco", "Paisa", "Llanera")
FIRST_NAMES = (
    "Andrés",
    "Valentina",
    "Santiago",
    "Camila",
    "Juan David",
    "Mariana",
    "Felipe",
    "Daniela",
    "Mateo",
    "Laura",
)
LAST_NAMES = ("Rodríguez", "Gómez", "Martínez", "López", "García", "Hernández", "Díaz", "Moreno", "Rojas", "Vargas")
COMPANIES = ("Distribuciones El Dorado SAS", "Café Cordillera SAS", "Textiles del Valle Ltda", "Ferretería La 70 SAS")
STREETS = ("Cra. 18 #79A - 42", "Calle 10 #43-12", "Av. 6N #23-45", "Cra. 54 #72-80", "Calle 5 #4-33")


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def siigo_timestamp(instant: datetime) -> str:
    """``2020-06-15T03:33:17.208Z``: the Blueprint's ``metadata.created`` format (UTC, ms)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def bogota_instant(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - BOGOTA_OFFSET


@dataclass
class SiigoSeed:
    """One company's data; ``invoice_requests`` are ``(create payload, created instant)`` pairs."""

    products: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    invoice_requests: list[tuple[dict[str, Any], datetime]]
    document_types: list[dict[str, Any]] = field(default_factory=cat.document_types)
    payment_types: list[dict[str, Any]] = field(default_factory=cat.payment_types)
    taxes: list[dict[str, Any]] = field(default_factory=cat.taxes)
    users: list[dict[str, Any]] = field(default_factory=cat.users)
    cost_centers: list[dict[str, Any]] = field(default_factory=cat.cost_centers)
    warehouses: list[dict[str, Any]] = field(default_factory=cat.warehouses)
    price_lists: list[dict[str, Any]] = field(default_factory=cat.price_lists)
    seed: int = 0


def _product(rng: random.Random, code: str, name: str, created: datetime, **kind: Any) -> dict[str, Any]:
    tax_by_id = {t["id"]: t for t in cat.taxes()}
    price = kind.get("price", randint(rng, 5, 500) * 1000)
    tax_ids = kind.get("tax_ids") or [pick(rng, (cat.IVA_19_ID,) * 6 + (cat.IVA_5_ID, cat.IVA_EXEMPT_ID))]
    stock_control = kind.get("type", "Product") == "Product"
    stocks = [randint(rng, 0, 40), randint(rng, 0, 15)] if stock_control else []
    warehouses = [
        {"id": w["id"], "name": w["name"], "quantity": q} for w, q in zip(cat.warehouses()[:2], stocks, strict=False)
    ]
    return {
        "id": seeded_uuid(rng),
        "code": code,
        "name": name,
        "account_group": {"id": 1253, "name": "Productos"},
        "type": kind.get("type", "Product"),
        "stock_control": stock_control,
        "active": kind.get("active", True),
        "tax_classification": "Exempt" if tax_ids == [cat.IVA_EXEMPT_ID] else "Taxed",
        "tax_included": False,
        "tax_consumption_value": 0,
        "taxes": [{k: tax_by_id[t][k] for k in ("id", "name", "type", "percentage")} for t in tax_ids],
        "prices": [
            {
                "currency_code": "COP",
                "price_list": [
                    {"position": 1, "name": "Precio de venta 1", "value": price},
                    {"position": 2, "name": "Precio mayorista", "value": round(price * 0.85)},
                ],
            }
        ],
        "unit": {"code": "94", "name": "unidad"},
        "unit_label": "unidad",
        "reference": f"REF-{code}",
        "description": name,
        "additional_fields": {
            "barcode": f"770{randint(rng, 10**9, 10**10 - 1)}",
            "brand": "Puente",
            "tariff": "",
            "model": "",
        },
        "available_quantity": sum(stocks),
        "warehouses": warehouses,
        "metadata": {"created": siigo_timestamp(created), "last_updated": None},
    }


def generate_products(
    rng: random.Random, n: int, created: datetime, codes: Sequence[str] | None
) -> list[dict[str, Any]]:
    codes = list(codes) if codes is not None else [f"SKU-{i:04d}" for i in range(1, n + 1)]
    products = [
        _product(rng, code, f"{pick(rng, NOUNS)} {pick(rng, ADJECTIVES)}", created + timedelta(minutes=i))
        for i, code in enumerate(codes)
    ]
    edge = created + timedelta(minutes=len(codes))
    products.append(_product(rng, GIFT_CODE, "Obsequio promocional", edge, price=0, tax_ids=[cat.IVA_19_ID]))
    products.append(
        _product(rng, SERVICE_CODE, "Instalación a domicilio", edge + timedelta(minutes=1), type="Service",
                 tax_ids=[cat.IVA_19_ID])
    )  # fmt: skip
    products.append(_product(rng, INACTIVE_CODE, "Producto descontinuado", edge + timedelta(minutes=2), active=False))
    return products


def _contact(first: str, last: str, email: str, phone: str) -> dict[str, Any]:
    return {"first_name": first, "last_name": last, "email": email, "phone": {"indicative": "57", "number": phone}}


def _customer(rng: random.Random, created: datetime, *, company: bool, **overrides: Any) -> dict[str, Any]:
    key = pick(rng, list(cat.CITIES)[:5])
    country, state, city = cat.CITIES[key]
    phone = f"3{randint(rng, 100000000, 199999999)}"
    if company:
        identification = str(randint(rng, 800000000, 909999999))
        name = [pick(rng, COMPANIES)]
        contact = _contact("Contabilidad", name[0][:20], f"facturacion{identification[-4:]}@empresa.co", phone)
    else:
        identification = str(randint(rng, 10000000, 1099999999))
        first, last = pick(rng, FIRST_NAMES), f"{pick(rng, LAST_NAMES)} {pick(rng, LAST_NAMES)}"
        name = [first, last]
        contact = _contact(first, last, f"{first.split()[0].lower()}.{identification[-4:]}@correo.co", phone)
    id_type = "31" if company else "13"
    customer: dict[str, Any] = {
        "id": seeded_uuid(rng),
        "type": "Customer",
        "person_type": "Company" if company else "Person",
        "id_type": {"code": id_type, "name": cat.ID_TYPES[id_type]},
        "identification": identification,
        "check_digit": cat.nit_check_digit(identification) if company else "",
        "name": name,
        "commercial_name": name[0] if company else "",
        "branch_office": 0,
        "active": True,
        "vat_responsible": company,
        "fiscal_responsibilities": [{"code": "R-99-PN", "name": cat.FISCAL_RESPONSIBILITIES["R-99-PN"]}],
        "address": {
            "address": pick(rng, STREETS),
            "city": {
                "country_code": key[0],
                "country_name": country,
                "state_code": key[1],
                "state_name": state,
                "city_code": key[2],
                "city_name": city,
            },
            "postal_code": "",
        },
        "phones": [{"indicative": "57", "number": phone, "extension": ""}],
        "contacts": [contact],
        "comments": "",
        "related_users": {"seller_id": 629, "collector_id": 629},
        "metadata": {"created": siigo_timestamp(created), "last_updated": None},
    }
    customer.update(overrides)
    return customer


def generate_customers(rng: random.Random, n: int, created: datetime) -> list[dict[str, Any]]:
    customers = [_customer(rng, created + timedelta(hours=i), company=i % 4 == 0) for i in range(n)]
    late = created + timedelta(hours=n)
    customers.append(_customer(rng, late, company=False, active=False))
    customers.append(_customer(rng, late + timedelta(minutes=1), company=False, contacts=[]))
    first_company = next(c for c in customers if c["person_type"] == "Company")
    branch = _customer(rng, late + timedelta(minutes=2), company=True)
    branch.update(identification=first_company["identification"], check_digit=first_company["check_digit"],
                  name=first_company["name"], branch_office=1)  # fmt: skip
    customers.append(branch)
    return customers


def invoice_request(
    rng: random.Random, day: date, products: list[dict[str, Any]], customers: list[dict[str, Any]]
) -> dict[str, Any]:
    """A valid ``POST /v1/invoices`` body for ``day`` whose payment equals Siigo's total."""
    electronic = rng.random() < 0.8
    doc_type = cat.ELECTRONIC_FV_ID if electronic else cat.MANUAL_FV_ID
    discount_type = "Percentage" if electronic else "Value"
    sellable = [p for p in products if p["active"] and p["prices"][0]["price_list"][0]["value"] > 0]
    tax_by_id = {t["id"]: t for t in cat.taxes()}
    items: list[dict[str, Any]] = []
    total = Decimal(0)
    for product in rng.sample(sellable, randint(rng, 1, 3)):
        quantity, price = randint(rng, 1, 3), product["prices"][0]["price_list"][0]["value"]
        discount = 0 if rng.random() < 0.8 else (10 if discount_type == "Percentage" else 1000)
        taxes = [{"id": t["id"]} for t in product["taxes"]]
        amounts = line_amounts(quantity, price, discount, discount_type, [tax_by_id[t["id"]] for t in taxes])
        total += amounts.total
        items.append({"code": product["code"], "description": product["name"], "quantity": quantity,
                      "price": price, "discount": discount, "taxes": taxes})  # fmt: skip
    payment = pick(rng, (cat.CREDIT_PAYMENT_ID, cat.CASH_PAYMENT_ID, cat.CARD_PAYMENT_ID, cat.TRANSFER_PAYMENT_ID))
    pay: dict[str, Any] = {"id": payment, "value": as_json_number(total)}
    if payment == cat.CREDIT_PAYMENT_ID:
        pay["due_date"] = (day + timedelta(days=30)).isoformat()
    customer = pick(rng, customers)
    request: dict[str, Any] = {
        "document": {"id": doc_type},
        "date": day.isoformat(),
        "customer": {"identification": customer["identification"], "branch_office": customer["branch_office"]},
        "cost_center": 235,
        "seller": pick(rng, (629, 629, 630, 631)),
        "observations": f"Pedido web #{randint(rng, 10000, 99999)}" if rng.random() < 0.6 else "",
        "stamp": {"send": electronic},
        "mail": {"send": False},
        "items": items,
        "payments": [pay],
    }
    return request


def generate_siigo_data(
    seed: int = 7,
    *,
    n_products: int = 30,
    n_customers: int = 20,
    n_invoices: int = 60,
    start: date = DEFAULT_START,
    days: int = 30,
    product_codes: Sequence[str] | None = None,
) -> SiigoSeed:
    """A company whose ``n_invoices`` are dated over ``[start, start + days)`` (Bogotá business days)."""
    rng = random.Random(seed)
    setup = bogota_instant(start - timedelta(days=90), 9, 0)
    products = generate_products(rng, n_products, setup, product_codes)
    customers = generate_customers(rng, n_customers, setup + timedelta(days=1))
    billable = [c for c in customers if c["active"] and c["contacts"]]
    requests: list[tuple[dict[str, Any], datetime]] = []
    for _ in range(n_invoices):
        day = start + timedelta(days=randint(rng, 0, max(days - 1, 0)))
        created = bogota_instant(day, randint(rng, 8, 19), randint(rng, 0, 59))
        requests.append((invoice_request(rng, day, products, billable), created))
    requests.sort(key=lambda pair: pair[1])
    return SiigoSeed(products=products, customers=customers, invoice_requests=requests, seed=seed)
