"""Deterministic seed data for one Alegra Colombia account: catalogs, items, contacts, past invoices.

``generate_alegra_data(seed, n_items, n_contacts, n_invoices)`` derives everything from
``random.Random(seed)`` and fixed dates. Invoices are *create payloads* plus a creation instant;
the store builds them with the API's own rules, so seeded and API-made invoices cannot disagree.

Shapes follow the notes' JSON examples (item with ``price[]`` per price list, ``tax[]``,
``inventory.warehouses[]``; contact with ``identification``, ``kindOfPerson``, ``regime``). Ids are
strings (Alegra's new ID format). Inferred, because the notes do not show them: ``barcode`` on the
item (Astroselling's "Usar Código de barras" needs one; the notes call it a gap), the number
template fields ``isElectronic``/``nextInvoiceNumber``/``resolution``, and the catalog shapes of
sellers, cost centers, bank accounts and warehouses beyond ``id``/``name``/``status``.

Edge cases every account has: an inactive item, a zero-price gift item (``OBSEQUIO-01``, the DIAN
"no price" case), a service without inventory, an item without barcode, two variations sharing a
reference (only the barcode tells them apart), an inactive contact, a provider-only contact and a
contact without e-mail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from puente_sandbox.rand import pick, randint

BOGOTA_OFFSET = timedelta(hours=-5)
DEFAULT_START = date(2025, 6, 2)
GIFT_REFERENCE = "OBSEQUIO-01"
SERVICE_REFERENCE = "SERV-ENVIO"
INACTIVE_REFERENCE = "DESCONTINUADO-01"
VARIANT_REFERENCE = "CAMISETA-VAR"
NO_BARCODE_REFERENCE = "SIN-CODIGO-01"
IVA_19_ID = "3"
ELECTRONIC_TEMPLATE_ID = "7"
PLAIN_TEMPLATE_ID = "1"
NOUNS = ("Camiseta", "Jean", "Tenis", "Chaqueta", "Gorra", "Morral", "Pocillo", "Lámpara", "Cojín", "Ruana",
         "Mochila wayuu", "Sombrero vueltiao", "Termo", "Bolso", "Correa")  # fmt: skip
ADJECTIVES = ("Clásica", "Urbana", "Andina", "Caribe", "Premium", "Básica", "Eco", "Paisa")
FIRST = ("Andrés", "Valentina", "Santiago", "Camila", "Mateo", "Laura", "Felipe", "Daniela")
LAST = ("Rodríguez", "Gómez", "Martínez", "López", "García", "Díaz", "Moreno", "Rojas")
COMPANIES = ("Distribuciones El Dorado SAS", "Café Cordillera SAS", "Textiles del Valle Ltda")
CITIES = (("Bogotá, D.C.", "Bogotá"), ("Medellín", "Antioquia"), ("Cali", "Valle del Cauca"))


def bogota_instant(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - BOGOTA_OFFSET


def nit_dv(number: str) -> str:
    """DIAN's check digit (DV) of a NIT: weighted sum mod 11 (Alegra computes it, per the notes)."""
    weights = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
    digits = [int(d) for d in reversed(number) if d.isdigit()]
    rest = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return str(rest if rest < 2 else 11 - rest)


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def warehouses() -> list[dict[str, Any]]:
    return [
        {"id": "1", "name": "Principal", "observations": "", "isDefault": True, "address": "Cra 18 # 79A-42",
         "status": "active"},
        {"id": "2", "name": "Bodega Medellín", "observations": "", "isDefault": False, "address": "Cra 43A # 1-50",
         "status": "active"},
        {"id": "3", "name": "Bodega Cali (cerrada)", "observations": "", "isDefault": False, "address": "",
         "status": "inactive"},
    ]  # fmt: skip


def price_lists() -> list[dict[str, Any]]:
    return [
        {"id": "1", "name": "General", "type": "amount", "main": True, "status": "active"},
        {"id": "2", "name": "Mayorista", "type": "amount", "main": False, "status": "active"},
        {"id": "3", "name": "Tienda online", "type": "amount", "main": False, "status": "active"},
    ]


def taxes() -> list[dict[str, Any]]:
    return [
        {"id": "1", "name": "IVA", "percentage": "5.00", "description": "IVA 5%", "type": "IVA", "status": "active"},
        {"id": "2", "name": "INC", "percentage": "8.00", "description": "Impuesto al consumo", "type": "INC",
         "status": "active"},
        {"id": IVA_19_ID, "name": "IVA", "percentage": "19.00", "description": "IVA 19%", "type": "IVA",
         "status": "active"},
    ]  # fmt: skip


def sellers() -> list[dict[str, Any]]:
    return [
        {"id": "1", "name": "Ana Gómez", "identification": "52123456", "observations": "", "status": "active"},
        {"id": "2", "name": "Tienda online", "identification": "", "observations": "Ventas web", "status": "active"},
        {"id": "3", "name": "Jorge Díaz", "identification": "79123456", "observations": "", "status": "inactive"},
    ]


def cost_centers() -> list[dict[str, Any]]:
    return [
        {"id": "1", "code": "CC-01", "name": "Ventas online", "description": "", "status": "active"},
        {"id": "2", "code": "CC-02", "name": "Tienda física", "description": "", "status": "active"},
    ]


def number_templates() -> list[dict[str, Any]]:
    def template(ident: str, name: str, prefix: str, doc: str, electronic: bool, start: int) -> dict[str, Any]:
        return {"id": ident, "name": name, "prefix": prefix, "documentType": doc, "isElectronic": electronic,
                "nextInvoiceNumber": start, "isDefault": ident == ELECTRONIC_TEMPLATE_ID, "status": "active",
                "resolution": {"number": f"18764000{ident}0001", "date": "2025-01-15", "prefix": prefix,
                               "minNumber": 1, "maxNumber": 50000} if electronic else None}  # fmt: skip

    return [
        template(PLAIN_TEMPLATE_ID, "Factura de venta", "", "invoice", False, 1),
        template(ELECTRONIC_TEMPLATE_ID, "Factura electrónica de venta", "FEV", "invoice", True, 1001),
        template("8", "Documento soporte", "DS", "supportDocument", True, 1),
    ]


def bank_accounts() -> list[dict[str, Any]]:
    return [
        {"id": "1", "name": "Caja general", "type": "cash", "status": "active"},
        {"id": "2", "name": "Bancolombia ahorros", "type": "bank", "status": "active"},
        {"id": "3", "name": "Pasarela de pagos", "type": "bank", "status": "active"},
    ]


def users() -> list[dict[str, Any]]:
    return [{"id": "1", "name": "Puente Integraciones", "email": "", "role": "admin", "status": "active"}]


@dataclass
class AlegraSeed:
    """One account's data; ``invoice_requests`` are ``(create payload, created instant)`` pairs."""

    items: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    invoice_requests: list[tuple[dict[str, Any], datetime]]
    warehouses: list[dict[str, Any]] = field(default_factory=warehouses)
    price_lists: list[dict[str, Any]] = field(default_factory=price_lists)
    taxes: list[dict[str, Any]] = field(default_factory=taxes)
    sellers: list[dict[str, Any]] = field(default_factory=sellers)
    cost_centers: list[dict[str, Any]] = field(default_factory=cost_centers)
    number_templates: list[dict[str, Any]] = field(default_factory=number_templates)
    bank_accounts: list[dict[str, Any]] = field(default_factory=bank_accounts)
    users: list[dict[str, Any]] = field(default_factory=users)
    seed: int = 0


def _item(rng: random.Random, ident: int, name: str, reference: str, **kind: Any) -> dict[str, Any]:
    price = kind.get("price", randint(rng, 8, 300) * 1000)
    item: dict[str, Any] = {
        "id": str(ident), "name": name, "description": kind.get("description", ""), "reference": reference,
        "barcode": kind.get("barcode", ean13(f"770{ident:09d}")), "status": kind.get("status", "active"),
        "type": "simple", "inventariable": not kind.get("service", False),
        "price": [{"idPriceList": "1", "name": "General", "price": price},
                  {"idPriceList": "2", "name": "Mayorista", "price": round(price * 0.9)},
                  {"idPriceList": "3", "name": "Tienda online", "price": round(price * 0.95)}],
        "tax": [dict(t) for t in taxes() if t["id"] == kind.get("tax_id", IVA_19_ID)],
        "category": {"id": "5060", "name": "Ventas"},
    }  # fmt: skip
    if not kind.get("service", False):
        stock = [randint(rng, 0, 40), randint(rng, 0, 15)]
        item["inventory"] = {
            "unit": "unit", "availableQuantity": sum(stock), "unitCost": round(price * 0.55),
            "initialQuantity": sum(stock) + randint(rng, 0, 20),
            "warehouses": [{"id": w["id"], "name": w["name"], "availableQuantity": q, "initialQuantity": q}
                           for w, q in zip(warehouses()[:2], stock, strict=True)],
        }  # fmt: skip
    return item


def _contact(rng: random.Random, ident: int, *, company: bool, **over: Any) -> dict[str, Any]:
    city, department = pick(rng, CITIES)
    number = str(900_000_000 + ident * 7919) if company else str(1_000_000_000 + ident * 104_729)
    kind = "NIT" if company else "CC"
    name = COMPANIES[ident % len(COMPANIES)] if company else f"{pick(rng, FIRST)} {pick(rng, LAST)}"
    slug = name.split()[0].lower()
    contact: dict[str, Any] = {
        "id": str(ident), "name": name, "identification": number,
        "identificationObject": {"type": kind, "number": number, **({"dv": nit_dv(number)} if company else {})},
        "email": f"{slug}{ident}@correo.co", "phonePrimary": f"601{randint(rng, 1000000, 9999999)}",
        "mobile": f"3{randint(rng, 100000000, 199999999)}", "type": ["client"],
        "kindOfPerson": "LEGAL_ENTITY" if company else "PERSON_ENTITY",
        "regime": "COMMON_REGIME" if company else "SIMPLIFIED_REGIME",
        "address": {"address": f"Calle {randint(rng, 1, 120)} # {randint(rng, 1, 90)}-{randint(rng, 1, 99)}",
                    "city": city, "department": department, "country": "Colombia", "zipCode": ""},
        "seller": None, "priceList": {"id": "1", "name": "General"}, "term": None, "status": "active",
    }  # fmt: skip
    contact.update(over)
    return contact


def generate_alegra_data(seed: int = 0, *, n_items: int = 45, n_contacts: int = 14, n_invoices: int = 40,
                         start: date = DEFAULT_START) -> AlegraSeed:  # fmt: skip
    """The same arguments always give the same account (45 items = two pages of 30)."""
    rng = random.Random(f"alegra-{seed}")
    items = [_item(rng, i, f"{NOUNS[i % len(NOUNS)]} {ADJECTIVES[i % len(ADJECTIVES)]}", f"REF-{i:04d}")
             for i in range(1, n_items + 1)]  # fmt: skip
    n = n_items
    items += [
        _item(rng, n + 1, "Obsequio de temporada", GIFT_REFERENCE, price=0),
        _item(rng, n + 2, "Envío nacional", SERVICE_REFERENCE, service=True, price=12000),
        _item(rng, n + 3, "Producto descontinuado", INACTIVE_REFERENCE, status="inactive"),
        _item(rng, n + 4, "Camiseta variación talla S", VARIANT_REFERENCE, price=45000),
        _item(rng, n + 5, "Camiseta variación talla M", VARIANT_REFERENCE, price=45000),
        _item(rng, n + 6, "Producto sin código de barras", NO_BARCODE_REFERENCE, barcode=""),
    ]
    contacts = [_contact(rng, i, company=i % 4 == 0) for i in range(1, n_contacts + 1)]
    m = n_contacts
    contacts += [
        _contact(rng, m + 1, company=False, status="inactive"),
        _contact(rng, m + 2, company=True, type=["provider"]),
        _contact(rng, m + 3, company=False, email=""),
    ]
    clients = [c for c in contacts if c["status"] == "active" and "client" in c["type"]]
    sellable = [i for i in items[:n_items] if i["status"] == "active"]
    requests: list[tuple[dict[str, Any], datetime]] = []
    for k in range(n_invoices):
        day = start + timedelta(days=k // 3)
        lines = [pick(rng, sellable) for _ in range(randint(rng, 1, 3))]
        payload: dict[str, Any] = {
            "date": day.isoformat(), "dueDate": (day + timedelta(days=30)).isoformat(),
            "client": {"id": pick(rng, clients)["id"]}, "seller": "2", "priceList": {"id": "1"},
            "numberTemplate": {"id": ELECTRONIC_TEMPLATE_ID if k % 4 else PLAIN_TEMPLATE_ID},
            "paymentForm": "CREDIT" if k % 5 == 0 else "CASH", "observations": f"Pedido web {5000 + k}",
            "items": [{"id": i["id"], "price": i["price"][0]["price"], "quantity": randint(rng, 1, 3),
                       "tax": [{"id": IVA_19_ID}]} for i in lines],
            "status": "draft" if k % 7 == 3 else "open",
        }  # fmt: skip
        if k % 4 and payload["status"] == "open":
            payload["stamp"] = {"generateStamp": True}
        requests.append((payload, bogota_instant(day, 9 + k % 9, (7 * k) % 60)))
    return AlegraSeed(items=items, contacts=contacts, invoice_requests=requests, seed=seed)
