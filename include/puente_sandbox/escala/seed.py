"""Deterministic seed data for one Escala account (Colombian merchant using Siigo).

The same ``seed`` always gives the same ids, names, cédulas and custom-field slugs, so a failing
test replays exactly. The mix mirrors what the Siigo -> Escala flow meets (seeds note
``siigo-escala-opportunities.txt``): a text custom field on contacts holding the customer's cédula,
and contacts that predate the integration and only have an email and/or a phone (they must be
found by those and never duplicated). Products carry a ``code`` so invoice lines can be matched
to them; sellers map to users (owners).
"""

from __future__ import annotations

import random
import string
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from puente_sandbox.escala.models import (
    CustomField,
    DealProduct,
    EscalaContact,
    EscalaDeal,
    EscalaPipeline,
    EscalaProduct,
    EscalaStage,
    EscalaUser,
)
from puente_sandbox.rand import pick, randint

FIRST_NAMES = (
    "Andrés", "Camilo", "Santiago", "Juan Pablo", "Sebastián", "Alejandro", "Mateo", "Felipe",
    "Valentina", "Daniela", "Laura", "Natalia", "Mariana", "Paula", "Carolina", "Luisa Fernanda",
)  # fmt: skip
SURNAMES = (
    "Rodríguez", "Gómez", "González", "Martínez", "García", "López", "Hernández", "Ramírez",
    "Sánchez", "Díaz", "Pérez", "Torres", "Restrepo", "Ospina", "Cárdenas", "Londoño",
)  # fmt: skip
CITIES = ("Bogotá", "Medellín", "Cali", "Barranquilla", "Bucaramanga", "Cartagena")
PRODUCT_NAMES = (
    "Resma papel carta", "Tóner láser", "Silla ergonómica", "Escritorio en L", "Monitor 24 pulgadas",
    "Teclado inalámbrico", "Mouse óptico", "Archivador metálico", "Lámpara LED", "Cable HDMI",
    "Disco SSD 1TB", "Router Wi-Fi", "Impresora multifuncional", "Calculadora", "Tablero acrílico",
)  # fmt: skip
STAGE_COLORS = ("#4f8ef7", "#f7b84f", "#a24ff7", "#2fbf71", "#e5484d")
BASE_TIME = datetime(2024, 5, 1, 13, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """Escala timestamps as ISO-8601 UTC with milliseconds (``2024-05-01T13:00:00.000Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def slug_suffix(rng: random.Random) -> str:
    return "".join(pick(rng, string.ascii_lowercase) for _ in range(4))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


@dataclass
class EscalaSeed:
    """Everything an :class:`~puente_sandbox.escala.store.EscalaStore` starts with."""

    custom_fields: list[CustomField]
    users: list[EscalaUser]
    pipelines: list[EscalaPipeline]
    products: list[EscalaProduct]
    contacts: list[EscalaContact]
    deals: list[EscalaDeal]
    cedula_field: str
    invoice_field: str
    seed: int = 7


def generate_seed(
    seed: int = 7, *, n_users: int = 4, n_products: int = 15, n_contacts: int = 45, n_deals: int = 24
) -> EscalaSeed:
    """Seed data: about 2/3 of contacts carry a cédula, the rest only an email and/or a phone."""
    rng = random.Random(seed)
    cedula = CustomField(f"cf_contact_cedula_{slug_suffix(rng)}_text", "contact", "Cédula", "text", identifier=True)
    city = CustomField(f"cf_contact_ciudad_{slug_suffix(rng)}_dropdown", "contact", "Ciudad", "dropdown", CITIES)
    age = CustomField(f"cf_contact_edad_{slug_suffix(rng)}_number", "contact", "Edad", "number")
    invoice = CustomField(f"cf_deal_factura_{slug_suffix(rng)}_text", "deal", "Factura Siigo", "text")
    brand = CustomField(f"cf_product_marca_{slug_suffix(rng)}_text", "product", "Marca", "text")
    fields = [cedula, city, age, invoice, brand]

    users = [
        EscalaUser(new_uuid(rng), f"{_ascii(first)}.{_ascii(last)}@puente-demo.co", first, last, role)
        for (first, last, role) in _people(rng, n_users, roles=("admin", "sales", "sales", "sales"))
    ]
    pipelines = _pipelines(rng)
    products = [
        EscalaProduct(
            id=new_uuid(rng),
            code=f"SKU-{1000 + i}",
            name=PRODUCT_NAMES[i % len(PRODUCT_NAMES)] + ("" if i < len(PRODUCT_NAMES) else f" {i}"),
            price=float(randint(rng, 8, 900) * 1000),
            custom={brand.key: pick(rng, ("Norma", "HP", "Logitech", "Genérica"))},
            created=iso(BASE_TIME + timedelta(hours=i)),
            modified=iso(BASE_TIME + timedelta(hours=i)),
        )
        for i in range(n_products)
    ]
    contacts = [_contact(rng, i, users, cedula, city, age) for i in range(n_contacts)]
    deals = [_deal(rng, i, users, pipelines[0], contacts, products, invoice) for i in range(n_deals)]
    return EscalaSeed(fields, users, pipelines, products, contacts, deals, cedula.key, invoice.key, seed)


def _people(rng: random.Random, n: int, roles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [(pick(rng, FIRST_NAMES), pick(rng, SURNAMES), roles[i % len(roles)]) for i in range(n)]


def _pipelines(rng: random.Random) -> list[EscalaPipeline]:
    created = iso(BASE_TIME - timedelta(days=30))
    sales_stages = [
        ("Nuevo", "open"),
        ("Contactado", "open"),
        ("Propuesta", "open"),
        ("Ganado", "won"),
        ("Perdido", "lost"),
    ]
    after_sales = [("Facturado", "open"), ("Entregado", "won"), ("Devuelto", "lost")]
    return [
        EscalaPipeline(
            new_uuid(rng),
            name,
            default,
            [EscalaStage(new_uuid(rng), s, t, STAGE_COLORS[i % len(STAGE_COLORS)]) for i, (s, t) in enumerate(stages)],  # type: ignore[arg-type]
            created,
            created,
        )
        for name, default, stages in (("Ventas", True, sales_stages), ("Posventa", False, after_sales))
    ]


def _contact(
    rng: random.Random, i: int, users: list[EscalaUser], cedula: CustomField, city: CustomField, age: CustomField
) -> EscalaContact:
    first, last = pick(rng, FIRST_NAMES), pick(rng, SURNAMES)
    kind = i % 6  # 0-3: cédula (+ email/phone); 4: email only; 5: phone only
    email = f"{_ascii(first)}.{_ascii(last)}{i}@correo-demo.co" if kind != 5 else None
    phone = f"+57 3{randint(rng, 0, 2)}{randint(rng, 0, 9)} {randint(rng, 100, 999)} {randint(rng, 1000, 9999)}"
    custom: dict[str, object] = {city.key: pick(rng, CITIES)}
    if kind < 4:
        custom[cedula.key] = str(randint(rng, 10_000_000, 1_199_999_999))
        custom[age.key] = randint(rng, 18, 75)
    moment = iso(BASE_TIME + timedelta(hours=3 * i))
    return EscalaContact(
        id=new_uuid(rng),
        personal={
            "firstName": first,
            "lastName": last,
            "email": email,
            "phoneNumber": phone if kind != 4 else None,
            "address": f"Calle {randint(rng, 1, 170)} # {randint(rng, 1, 99)}-{randint(rng, 1, 99)}",
        },
        custom=custom,
        assigned_to=pick(rng, users).id if i % 3 else "unassigned",
        status=pick(rng, ("lead", "customer")),
        priority=randint(rng, 1, 5),
        contacted=bool(i % 2),
        marketable=True,
        notes="",
        created=moment,
        modified=moment,
    )


def _deal(
    rng: random.Random,
    i: int,
    users: list[EscalaUser],
    pipeline: EscalaPipeline,
    contacts: list[EscalaContact],
    products: list[EscalaProduct],
    invoice: CustomField,
) -> EscalaDeal:
    lines = [
        DealProduct(product.id, float(randint(rng, 1, 4)), product.price)
        for product in rng.sample(products, k=randint(rng, 0, 3))
    ]
    moment = iso(BASE_TIME + timedelta(days=1, hours=5 * i))
    return EscalaDeal(
        id=new_uuid(rng),
        name=f"Factura FV-{2000 + i}",
        description="Oportunidad creada desde factura de Siigo",
        value=float(randint(rng, 50, 5000) * 1000),
        priority=3,
        assigned_to=pick(rng, users).id,
        contact_id=pick(rng, contacts).id,
        pipeline_id=pipeline.id,
        stage_id=pick(rng, pipeline.stages).id,
        products=lines,
        update_value=False,
        custom={invoice.key: f"FV-{2000 + i}"},
        created=moment,
        modified=moment,
        seq=i + 1,
    )
