"""Start sandboxes seeded from one scenario: per vendor (``run_sandbox``) or the Bsale +
Jumpseller pair of the catalog flow (``start_catalog_sandboxes``), each on a loopback port.

Both apps get private copies of the same scenario, so their SKUs line up and neither sees the
other's writes, exactly like two separate vendor accounts of one merchant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from puente_sandbox import bsale, jumpseller
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.server import ServerThread

Vendor = Literal["bsale", "jumpseller"]
FaultsArg = FaultConfig | Mapping[str, Any] | None


def as_fault_config(faults: FaultsArg) -> FaultConfig | None:
    if faults is None or isinstance(faults, FaultConfig):
        return faults
    return FaultConfig.model_validate(dict(faults))


@dataclass
class CatalogSandboxes:
    scenario: CatalogScenario
    bsale: SandboxHandle
    jumpseller: SandboxHandle


@contextmanager
def run_sandbox(
    vendor: Vendor,
    scenario: CatalogScenario,
    *,
    rate_limits: Sequence[Budget] | None,
    faults: FaultsArg = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve one vendor sandbox in a thread; yields a handle with the client credentials set."""
    fault_config = as_fault_config(faults)
    if vendor == "bsale":
        bsale_store = bsale.BsaleStore.from_scenario(scenario)
        app = bsale.create_app(bsale_store, rate_limits=rate_limits, faults=fault_config)
        handle_kwargs: dict[str, Any] = {
            "headers": {"access_token": DEFAULT_ACCESS_TOKEN},
            "store": bsale_store,
        }
    elif vendor == "jumpseller":
        js_store = jumpseller.JumpsellerStore.from_scenario(scenario)
        app = jumpseller.create_app(js_store, rate_limits=rate_limits, faults=fault_config)
        handle_kwargs = {"auth": (DEFAULT_LOGIN, DEFAULT_AUTHTOKEN), "store": js_store}
    else:
        raise ValueError(f"unknown vendor {vendor!r}")
    server = ServerThread(app, host, port)
    handle = SandboxHandle(base_url=server.start(), vendor=vendor, **handle_kwargs)
    try:
        yield handle
    finally:
        handle.close()
        server.stop()


@contextmanager
def start_catalog_sandboxes(
    n_products: int = 40,
    seed: int = 7,
    *,
    n_skus: int | None = None,
    scenario: CatalogScenario | None = None,
    jumpseller_rate_limits: Sequence[Budget] | None = jumpseller.DEFAULT_RATE_LIMITS,
    bsale_rate_limits: Sequence[Budget] | None = None,
    faults: FaultsArg = None,
    bsale_faults: FaultsArg = None,
    jumpseller_faults: FaultsArg = None,
    host: str = "127.0.0.1",
    bsale_port: int = 0,
    jumpseller_port: int = 0,
) -> Iterator[CatalogSandboxes]:
    """Bsale + Jumpseller from one scenario (given, or generated from n_products/n_skus/seed).

    ``faults`` applies to both sandboxes unless a per-vendor config is given.
    """
    scenario = scenario or CatalogScenario.generate(n_products, seed, n_skus=n_skus)
    with (
        run_sandbox(
            "bsale",
            scenario,
            rate_limits=bsale_rate_limits,
            faults=bsale_faults if bsale_faults is not None else faults,
            host=host,
            port=bsale_port,
        ) as bsale_handle,
        run_sandbox(
            "jumpseller",
            scenario,
            rate_limits=jumpseller_rate_limits,
            faults=jumpseller_faults if jumpseller_faults is not None else faults,
            host=host,
            port=jumpseller_port,
        ) as jumpseller_handle,
    ):
        yield CatalogSandboxes(scenario=scenario, bsale=bsale_handle, jumpseller=jumpseller_handle)
