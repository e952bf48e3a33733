"""One Argentine merchant: a Contabilium account and a Jumpseller store whose SKUs and buyers match it.

The order generator (:mod:`puente_sandbox.orders_datagen`) writes Chilean stores: RUTs, CLP.
:func:`argentine_orders` turns its orders into an Argentine store's, deterministically and per
buyer (a buyer keeps one identity across orders, so "customers created once" can be checked):

* a buyer who ever asked for a factura (``company_name`` at checkout) gets one CUIT (11 digits,
  AFIP check digit) and one razón social, on every factura order;
* every other order's buyer has a DNI (8 digits) on about two thirds of the buyers, and no
  document at all on the rest (they are invoiced to the merchant's "Consumidor Final" client);
* currency ARS. Lines, prices (IVA included) and every category list stay as generated.

:func:`contabilium_seed` seeds the account with the catalog's Bsale SKUs as conceptos, so the
store's shared SKUs exist in Contabilium and its Jumpseller-only SKUs do not (unlinked).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from puente_sandbox.contabilium.seed import ContabiliumSeed, generate_contabilium_data
from puente_sandbox.contabilium.testing import run_contabilium_sandbox
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.orders_datagen import OrderScenario

CUIT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@dataclass
class ArgentineBuyers:
    """Who each order's buyer is on the Argentine side (order id -> document, or None)."""

    cuit: dict[int, str] = field(default_factory=dict)
    dni: dict[int, str] = field(default_factory=dict)
    no_document: list[int] = field(default_factory=list)


def _number(key: str, digits: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**digits


def cuit(prefix: int, body: int) -> str:
    """An 11-digit CUIT with AFIP's check digit (módulo 11); bodies whose digit would be 10 shift by one."""
    while True:
        base = f"{prefix:02d}{body:08d}"
        check = 11 - sum(int(d) * w for d, w in zip(base, CUIT_WEIGHTS, strict=True)) % 11
        if check != 10:
            return base + str(0 if check == 11 else check)
        body = (body + 1) % 10**8


def argentine_orders(orders: OrderScenario) -> ArgentineBuyers:
    """Rewrite ``orders`` in place as an Argentine store's; returns who has which document."""
    buyers = ArgentineBuyers()
    company_of: dict[str, str] = {}
    for order in orders.orders:
        info = order.fields.get("billing_information")
        email = str((order.fields.get("customer") or {}).get("email") or order.id)
        if info and info.get("company_name"):
            company_of.setdefault(email, info["company_name"])
    for order in orders.orders:
        fields = order.fields
        fields["currency"] = "ARS"
        email = str((fields.get("customer") or {}).get("email") or order.id)
        billing = fields.get("billing_address") or {}
        info = fields.get("billing_information")
        if info and info.get("company_name"):
            info.update(company_name=company_of[email], taxpayer_type="Responsable Inscripto")
            billing["taxid"] = buyers.cuit[order.id] = cuit(30, _number(f"cuit:{email}", 8))
        elif email in company_of or _number(f"dni?:{email}", 3) % 3:
            billing["taxid"] = buyers.dni[order.id] = str(20_000_000 + _number(f"dni:{email}", 7))
        else:
            billing["taxid"] = None
            buyers.no_document.append(order.id)
        fields["billing_address"] = billing
    return buyers


def contabilium_seed(catalog: CatalogScenario, seed: int = 11) -> ContabiliumSeed:
    """Conceptos for every Bsale SKU of the catalog (the merchant's catalog, now in Contabilium)."""
    return generate_contabilium_data(seed, product_codes=catalog.bsale_skus)


@dataclass
class ContabiliumJumpsellerSandboxes:
    scenario: CatalogScenario
    orders: OrderScenario
    buyers: ArgentineBuyers
    contabilium: SandboxHandle
    jumpseller: list[SandboxHandle]


@contextmanager
def start_contabilium_jumpseller_sandboxes(
    n_orders: int = 100,
    n_products: int = 40,
    seed: int = 7,
    *,
    stores: int = 1,
    contabilium_rate_limits: Sequence[Any] | None = None,
    jumpseller_rate_limits: Sequence[Any] | None = None,
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
) -> Iterator[ContabiliumJumpsellerSandboxes]:
    """Contabilium + ``stores`` Jumpseller stores (the first serves the Argentine orders, the others
    only the catalog: several stores on one account). Rate limits are off unless given."""
    from puente_sandbox.stack import run_sandbox

    catalog = CatalogScenario.generate(n_products, seed)
    orders = OrderScenario.generate(catalog, n_orders, seed)
    buyers = argentine_orders(orders)
    ports = ports or {}
    with ExitStack() as stack:
        contabilium = stack.enter_context(run_contabilium_sandbox(
            contabilium_seed(catalog, seed), rate_limits=contabilium_rate_limits, host=host,
            port=ports.get("contabilium", 0)))  # fmt: skip
        jumpseller = [
            stack.enter_context(run_sandbox("jumpseller", orders if number == 0 else catalog,
                                            rate_limits=jumpseller_rate_limits, host=host,
                                            port=ports.get("jumpseller", 0) if number == 0 else 0))
            for number in range(stores)
        ]  # fmt: skip
        yield ContabiliumJumpsellerSandboxes(catalog, orders, buyers, contabilium, jumpseller)
