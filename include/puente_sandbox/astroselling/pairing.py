"""Astroselling accounts for ``python -m puente_sandbox serve``: each one sells the SKUs of the ERP
sandbox it pairs with, and has recent orders.

An Astroselling account exists to sit between marketplaces and one ERP (the Siigo and Alegra
articles), so its products must carry that ERP's SKUs or nothing links:

* ``siigo``: the Siigo seed's product codes (``SKU-0001``..., also the default seed's SKUs);
* ``alegra``: the Alegra seed's item references (``REF-0001``...; the article's default SKU is
  the reference, not the barcode).

``--astroselling-skus-from PORT=ERP`` (repeatable) picks the ERP per account port. Without it the
demo's allocation applies (:data:`DEMO_PAIRING`: 18089 sells Alegra's SKUs, 18093 Siigo's), and
any other port sells the default (Siigo-compatible) SKUs, so ``make demo`` needs no flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from puente_sandbox.astroselling.seed import generate_astroselling_data
from puente_sandbox.astroselling.testing import run_astroselling_sandbox
from puente_sandbox.astroselling.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.handle import SandboxHandle

ERPS = ("siigo", "alegra")
DEMO_PAIRING = {18089: "alegra", 18093: "siigo"}


def erp_skus(erp: str) -> list[str]:
    """The sellable SKUs of that ERP sandbox's seed (edge-case items like gifts and services left out)."""
    if erp == "siigo":
        from puente_sandbox.siigo import generate_siigo_data

        return [p["code"] for p in generate_siigo_data().products if p["code"].startswith("SKU-")]
    if erp == "alegra":
        from puente_sandbox.alegra.seed import generate_alegra_data

        return [i["reference"] for i in generate_alegra_data().items if i["reference"].startswith("REF-")]
    raise ValueError(f"unknown ERP {erp!r}: use one of {', '.join(ERPS)}")


def parse_pairing(values: Sequence[str]) -> dict[int, str]:
    """``["18089=alegra", ...]`` -> ``{18089: "alegra"}`` over the demo's defaults."""
    pairing = dict(DEMO_PAIRING)
    for value in values:
        port, _, erp = value.partition("=")
        if not port.strip().isdigit() or erp.strip() not in ERPS:
            raise ValueError(f"--astroselling-skus-from {value!r}: expected PORT=ERP with ERP one of {', '.join(ERPS)}")
        pairing[int(port)] = erp.strip()
    return pairing


@contextmanager
def run_paired_astroselling_sandbox(
    erp: str | None,
    *,
    seed: int,
    n_orders: int,
    start: date,
    days: int,
    rate_limited: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """One account selling ``erp``'s SKUs (default seed SKUs when None), orders over ``[start, +days)``."""
    data = generate_astroselling_data(
        seed, skus=erp_skus(erp) if erp else None, n_orders=n_orders, start=start, days=days
    )
    limits = DEFAULT_RATE_LIMITS if rate_limited else None
    with run_astroselling_sandbox(data, rate_limits=limits, host=host, port=port) as handle:
        yield handle
