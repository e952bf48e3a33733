"""Deterministic seed data for one Contabilium (Argentina) account.

``generate_contabilium_data(seed, n_products, product_codes=...)`` derives everything from
``random.Random(seed)``: conceptos (SKU = ``Codigo``, upper case), three depósitos with every
stocked product present in two or three of them, two price lists, points of sale, the sale
conditions the notes name, and clients of every IVA condition. ``product_codes`` aligns the SKUs
with a sales channel's (the Jumpseller integration matches products by SKU).

Edge cases every account has (tests and flows rely on them): an inactive concepto
(``INACTIVE_CODE``), a service without stock (``SERVICE_CODE``), a product with zero stock
everywhere (``NO_STOCK_CODE``), reserved units on some rows (available = ``StockConReservas``),
an inactive depósito, an inactive point of sale, and a price list that omits some products.
Shapes follow the notes' examples; ids are made up in the notes' ranges.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from puente_sandbox.rand import pick, randint

INACTIVE_CODE = "DESCONTINUADO-01"
SERVICE_CODE = "SERV-ARMADO"
NO_STOCK_CODE = "AGOTADO-01"
ISSUER = {"RazonSocial": "Puente Demo SRL", "CUIT": "30716549871", "CondicionIVA": "RI"}
SALE_CONDITIONS = ("Contado", "Cuenta Corriente", "MercadoPago", "Otro")
VAT_RATES = (21.0, 21.0, 21.0, 10.5, 27.0, 0.0)

NOUNS = ("Mate", "Bombilla", "Termo", "Yerbera", "Alfajor", "Poncho", "Cuchillo criollo", "Taza",
         "Remera", "Buzo", "Gorra", "Mochila", "Cuaderno", "Vela", "Manta")  # fmt: skip
ADJECTIVES = ("Clásico", "Pampa", "Patagónico", "Porteño", "Premium", "Rústico", "Norteño", "Eco")
FIRST_NAMES = ("Lucía", "Martín", "Sofía", "Joaquín", "Valentina", "Tomás", "Camila", "Facundo")
LAST_NAMES = ("González", "Rodríguez", "Fernández", "López", "Martínez", "Pérez", "Gómez", "Sosa")
COMPANIES = ("Distribuidora Río de la Plata SA", "Almacén Don Tito SRL", "Hotel Bariloche SA")
STREETS = ("Suipacha 245", "Av. Corrientes 1234", "Bv. Oroño 980", "San Martín 55", "Av. Colón 3100")
CITIES = (("CABA", "C1008"), ("Rosario", "S2000"), ("Córdoba", "X5000"), ("Mendoza", "M5500"))


@dataclass
class ContabiliumSeed:
    """One account's data; ``stock`` rows are ``(deposit id, concepto id, actual, reserved)``."""

    products: list[dict[str, Any]]
    warehouses: list[dict[str, Any]]
    stock: list[tuple[int, int, int, int]]
    price_lists: list[dict[str, Any]]
    clients: list[dict[str, Any]]
    points_of_sale: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"Id": 59419, "Nombre": "0003 - Tienda online", "Activo": True, "_numero": 3},
            {"Id": 59420, "Nombre": "0001 - Local", "Activo": True, "_numero": 1},
            {"Id": 59421, "Nombre": "0002 - Local cerrado", "Activo": False, "_numero": 2},
        ]
    )
    sale_conditions: list[dict[str, Any]] = field(
        default_factory=lambda: [{"Id": i + 1, "Nombre": n} for i, n in enumerate(SALE_CONDITIONS)]
    )
    issuer: dict[str, Any] = field(default_factory=lambda: dict(ISSUER))
    seed: int = 0


def _products(rng: random.Random, codes: Sequence[str]) -> list[dict[str, Any]]:
    products = []
    for index, code in enumerate(codes):
        iva = pick(rng, VAT_RATES)
        price = float(randint(rng, 8, 400) * 250)
        products.append({
            "Id": 10535931 + index, "Codigo": code.upper(), "Nombre": f"{pick(rng, NOUNS)} {pick(rng, ADJECTIVES)}",
            "Descripcion": "", "Precio": price, "PrecioFinal": round(price * (1 + iva / 100), 2), "Iva": iva,
            "Tipo": "P", "Estado": "A", "CodigoBarras": f"779{rng.getrandbits(32):010d}", "IdRubro": 1,
            "CostoInterno": round(price * 0.55, 2), "Observaciones": "",
        })  # fmt: skip
    extras = ((INACTIVE_CODE, "Producto discontinuado", "P", "I"), (SERVICE_CODE, "Servicio de armado", "S", "A"),
              (NO_STOCK_CODE, "Producto agotado", "P", "A"))  # fmt: skip
    for offset, (code, name, kind, state) in enumerate(extras, start=len(codes)):
        products.append({
            "Id": 10535931 + offset, "Codigo": code, "Nombre": name, "Descripcion": "", "Precio": 5000.0,
            "PrecioFinal": 6050.0, "Iva": 21.0, "Tipo": kind, "Estado": state, "CodigoBarras": "", "IdRubro": 1,
            "CostoInterno": 2500.0, "Observaciones": "",
        })  # fmt: skip
    return products


def _clients(rng: random.Random) -> list[dict[str, Any]]:
    clients: list[dict[str, Any]] = []

    def add(name: str, iva: str, doc_type: str, doc: str, personeria: str) -> None:
        street, (city, cp) = pick(rng, STREETS), pick(rng, CITIES)
        clients.append({
            "Id": 945603 + len(clients), "RazonSocial": name, "NombreFantasia": "", "CondicionIva": iva,
            "TipoDoc": doc_type, "NroDoc": doc, "Pais": "Argentina", "Provincia": "", "Domicilio": street,
            "Ciudad": city, "Cp": cp, "Telefono": f"+54911{randint(rng, 10000000, 99999999)}",
            "Email": f"{name.split()[0].lower()}.{len(clients)}@correo.com.ar", "Codigo": None,
            "Personeria": personeria,
        })  # fmt: skip

    for i in range(6):
        add(f"{FIRST_NAMES[i]} {pick(rng, LAST_NAMES)}", "CF", "DNI", str(randint(rng, 20000000, 45999999)), "F")
    for company in COMPANIES:
        add(company, "RI", "CUIT", f"30{randint(rng, 100000000, 999999999)}", "J")
    add(f"{FIRST_NAMES[6]} {LAST_NAMES[0]}", "MO", "CUIT", f"20{randint(rng, 100000000, 999999999)}", "F")
    add("Fundación Manos Unidas", "EX", "CUIT", f"30{randint(rng, 100000000, 999999999)}", "J")
    return clients


def generate_contabilium_data(
    seed: int = 11, n_products: int = 60, *, product_codes: Sequence[str] | None = None
) -> ContabiliumSeed:
    """The same arguments always give the same account (60 products: 2 pages of stock per depósito)."""
    rng = random.Random(f"contabilium-{seed}")
    codes = list(product_codes) if product_codes is not None else [f"SKU-{i:04d}" for i in range(1, n_products + 1)]
    products = _products(rng, codes)
    warehouses = [
        {"Id": 31293, "Nombre": "PRINCIPAL", "Activo": True},
        {"Id": 31294, "Nombre": "DEPOSITO ROSARIO", "Activo": True},
        {"Id": 31295, "Nombre": "SHOWROOM", "Activo": True},
        {"Id": 31296, "Nombre": "DEPOSITO VIEJO", "Activo": False},
    ]
    stock: list[tuple[int, int, int, int]] = []
    active = [w["Id"] for w in warehouses if w["Activo"]]
    for product in products:
        if product["Tipo"] != "P":
            continue
        chosen = active if rng.random() < 0.4 else sorted(rng.sample(active, 2))  # 2 or 3 depósitos
        for deposit in chosen:
            actual = 0 if product["Codigo"] == NO_STOCK_CODE else randint(rng, 0, 40)
            reserved = randint(rng, 0, min(actual, 3)) if actual and rng.random() < 0.3 else 0
            stock.append((deposit, product["Id"], actual, reserved))
    sellable = [p for p in products if p["Estado"] == "A"]
    price_lists = [
        {"Id": 2201, "Nombre": "Mayorista", "Items": [_price(p, 0.85) for p in sellable]},
        {"Id": 2202, "Nombre": "Jumpseller", "Items": [_price(p, 1.10) for p in sellable[::2]]},
    ]
    return ContabiliumSeed(products, warehouses, stock, price_lists, _clients(rng), seed=seed)


def _price(product: dict[str, Any], factor: float) -> dict[str, Any]:
    price = round(product["Precio"] * factor, 2)
    return {"Codigo": product["Codigo"], "Precio": price, "PrecioFinal": round(price * (1 + product["Iva"] / 100), 2)}
