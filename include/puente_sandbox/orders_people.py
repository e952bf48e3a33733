"""Shoppers, companies and Chilean addresses for generated orders (part of the order generator).

Shapes follow a real Jumpseller order payload: nulls where a shopper left a field empty
(``postal``, ``street_number``, ``phone``), ``country`` spelled out with an ISO ``country_code``,
and a geonames admin-1 ``region_code`` (``"12"`` for the Región Metropolitana, as in the real
payload). Addresses come in two styles, number inside ``address`` or in ``street_number``, because
both occur and a hook building a Bsale/Facto address must handle both. Factura RUTs are valid
(módulo 11) but typed in mixed styles (dotted or not), because shoppers do exactly that.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from puente_sandbox import rut
from puente_sandbox.rand import pick, randint

FIRST_NAMES = (
    "Camila", "Valentina", "Francisca", "Javiera", "Constanza", "Catalina", "Fernanda", "Daniela",
    "Matías", "Benjamín", "Sebastián", "Nicolás", "Felipe", "Joaquín", "Diego", "Tomás",
)  # fmt: skip
SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres",
)  # fmt: skip
STREETS = (
    "Av. Providencia", "Los Leones", "Av. Apoquindo", "Irarrázaval", "Av. Grecia", "San Diego",
    "Av. Vicuña Mackenna", "Gran Avenida", "Av. Libertad", "Barros Arana", "O'Higgins",
)  # fmt: skip
# (municipality, city, region, region_code)
PLACES = (
    ("Providencia", "Santiago", "Región Metropolitana", "12"),
    ("Ñuñoa", "Santiago", "Región Metropolitana", "12"),
    ("Las Condes", "Santiago", "Región Metropolitana", "12"),
    ("Santiago", "Santiago", "Región Metropolitana", "12"),
    ("Maipú", "Santiago", "Región Metropolitana", "12"),
    ("Puente Alto", "Santiago", "Región Metropolitana", "12"),
    ("Viña del Mar", "Viña del Mar", "Valparaíso", "01"),
    ("Concepción", "Concepción", "Biobío", "06"),
)
COMPANY_STEMS = (
    "Comercial Los Andes", "Inversiones Pacífico", "Distribuidora Austral", "Servicios Cordillera",
    "Importadora del Sur", "Soluciones Mapocho", "Ferretería Central", "Constructora Valle",
)  # fmt: skip
COMPANY_KINDS = ("SpA", "Ltda.", "S.A.", "E.I.R.L.")
ACTIVITIES = (
    "Venta al por menor de prendas de vestir", "Comercio al por mayor", "Servicios de ingeniería",
    "Construcción de edificios", "Restaurantes", "Actividades de consultoría de gestión",
)  # fmt: skip


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class People:
    """Deterministic shoppers: the same customer id always has the same name and address."""

    def __init__(self, rng: random.Random, n_customers: int) -> None:
        self.rng = rng
        self.customers: list[dict[str, Any]] = []
        self.addresses: list[dict[str, Any]] = []
        for index in range(max(1, n_customers)):
            self._add_customer(index)

    def _add_customer(self, index: int) -> None:
        rng = self.rng
        first, last = pick(rng, FIRST_NAMES), pick(rng, SURNAMES)
        email = f"{_ascii(first)}.{_ascii(last)}{index + 1}@example.cl"
        phone = None if rng.random() < 0.2 else f"9{randint(rng, 10_000_000, 99_999_999)}"
        self.customers.append(
            {
                "id": 20_000_001 + index,
                "email": email,
                "phone": phone,
                "phone_prefix": None if phone is None else "+56",
                "ip": f"192.0.2.{1 + index % 250}",
                "fullname": f"{first} {last}",
            }
        )
        municipality, city, region, region_code = pick(rng, PLACES)
        number = randint(rng, 100, 9999)
        street = pick(rng, STREETS)
        split_number = rng.random() < 0.4
        self.addresses.append(
            {
                "name": first,
                "surname": last,
                "address": street if split_number else f"{street} {number}",
                "street_number": number if split_number else None,
                "complement": None if rng.random() < 0.7 else f"Depto {randint(rng, 11, 2404)}",
                "city": city,
                "municipality": municipality,
                "region": region,
                "region_code": region_code,
                "country": "Chile",
                "country_code": "CL",
                "postal": None,
            }
        )

    def pick_customer(self) -> int:
        return int(self.rng.random() * len(self.customers))

    def shipping_address(self, index: int) -> dict[str, Any]:
        address = dict(self.addresses[index])
        address["latitude"] = None
        address["longitude"] = None
        address["neighbourhood"] = None
        return address

    def billing_address(self, index: int, taxid: str | None) -> dict[str, Any]:
        address = dict(self.addresses[index])
        address["taxid"] = taxid
        address["neighbourhood"] = None
        return address

    def company(self) -> tuple[str, dict[str, str]]:
        """A company's RUT (as typed at checkout) and its ``billing_information``."""
        rng = self.rng
        body = randint(rng, 76_000_000, 77_999_999)
        typed = rut.dotted(body) if rng.random() < 0.5 else rut.plain(body)
        info = {
            "business_activity": pick(rng, ACTIVITIES),
            "company_name": f"{pick(rng, COMPANY_STEMS)} {pick(rng, COMPANY_KINDS)}",
            "taxpayer_type": "Persona Jurídica",
        }
        return typed, info
