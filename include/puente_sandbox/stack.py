"""Start sandboxes seeded from one scenario: per vendor (``run_sandbox``), the Bsale + Jumpseller
pair of the catalog flow (``start_catalog_sandboxes``) or the invoicing trio Bsale + Jumpseller
(with orders) + Facto (``start_invoicing_sandboxes``), each on a loopback port.

Apps get private copies of the same scenario, so their SKUs line up and neither sees the other's
writes, exactly like separate vendor accounts of one merchant. Passing an :class:`OrderScenario`
where a scenario is expected gives Jumpseller its orders (Bsale uses the catalog underneath);
Facto keeps no catalog and takes no scenario.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from puente_sandbox import bsale, facto, jumpseller
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_AUTHTOKEN,
    DEFAULT_FACTO_KEY,
    DEFAULT_FACTO_USER,
    DEFAULT_LOGIN,
)
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.orders_datagen import OrderScenario
from puente_sandbox.server import ServerThread

Vendor = Literal["bsale", "jumpseller", "facto"]
FaultsArg = FaultConfig | Mapping[str, Any] | None
Scenario = CatalogScenario | OrderScenario


def as_fault_config(faults: FaultsArg) -> FaultConfig | None:
    if faults is None or isinstance(faults, FaultConfig):
        return faults
    return FaultConfig.model_validate(dict(faults))


@dataclass
class CatalogSandboxes:
    scenario: CatalogScenario
    bsale: SandboxHandle
    jumpseller: SandboxHandle


@dataclass
class InvoicingSandboxes:
    """The invoicing flow's vendors; ``facto`` is None when started without it."""

    scenario: CatalogScenario
    orders: OrderScenario
    bsale: SandboxHandle
    jumpseller: SandboxHandle
    facto: SandboxHandle | None


def _required(scenario: Scenario | None) -> Scenario:
    if scenario is None:
        raise ValueError("this vendor needs a scenario")
    return scenario


def _catalog(scenario: Scenario | None) -> CatalogScenario:
    scenario = _required(scenario)
    return scenario.catalog if isinstance(scenario, OrderScenario) else scenario


@contextmanager
def run_sandbox(
    vendor: Vendor,
    scenario: Scenario | None = None,
    *,
    rate_limits: Sequence[Budget] | None = None,
    faults: FaultsArg = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve one vendor sandbox in a thread; yields a handle with the client credentials set."""
    fault_config = as_fault_config(faults)
    if vendor == "bsale":
        bsale_store = bsale.BsaleStore.from_scenario(_catalog(scenario))
        app = bsale.create_app(bsale_store, rate_limits=rate_limits, faults=fault_config)
        handle_kwargs: dict[str, Any] = {
            "headers": {"access_token": DEFAULT_ACCESS_TOKEN},
            "store": bsale_store,
        }
    elif vendor == "jumpseller":
        js_store = jumpseller.JumpsellerStore.from_scenario(_required(scenario))
        app = jumpseller.create_app(js_store, rate_limits=rate_limits, faults=fault_config)
        handle_kwargs = {"auth": (DEFAULT_LOGIN, DEFAULT_AUTHTOKEN), "store": js_store}
    elif vendor == "facto":
        facto_store = facto.FactoStore()
        app = facto.create_app(facto_store, rate_limits=rate_limits, faults=fault_config)
        handle_kwargs = {
            "auth": (DEFAULT_FACTO_USER, DEFAULT_FACTO_KEY),
            "headers": {"Content-Type": "text/xml; charset=utf-8"},
            "store": facto_store,
        }
    else:
        raise ValueError(f"unknown vendor {vendor!r}")
    with serve_app(app, vendor, host=host, port=port, **handle_kwargs) as handle:
        yield handle


@contextmanager
def serve_app(app: Any, vendor: str, *, host: str = "127.0.0.1", port: int = 0, **handle_kwargs: Any
              ) -> Iterator[SandboxHandle]:
    """Serve one vendor app on loopback in a thread; the handle carries its client credentials."""
    server = ServerThread(app, host, port)
    handle = SandboxHandle(base_url=server.start(), vendor=vendor, **handle_kwargs)
    try:
        yield handle
    finally:
        handle.close()
        server.stop()


@contextmanager
def serve_store(
    create_app: Any, store: Any, vendor: str, *, rate_limits: Sequence[Budget] | None, faults: FaultsArg,
    host: str = "127.0.0.1", port: int = 0, **handle_kwargs: Any,
) -> Iterator[SandboxHandle]:
    """One vendor's app over ``store`` (with its budgets and faults) on loopback: what every
    ``run_<vendor>_sandbox`` does once it has built its store."""
    app = create_app(store, rate_limits=rate_limits, faults=as_fault_config(faults))
    with serve_app(app, vendor, host=host, port=port, store=store, **handle_kwargs) as handle:
        yield handle


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


@contextmanager
def start_invoicing_sandboxes(
    n_orders: int = 200,
    n_products: int = 40,
    seed: int = 7,
    *,
    n_skus: int | None = None,
    scenario: CatalogScenario | None = None,
    orders: OrderScenario | None = None,
    with_facto: bool = True,
    jumpseller_rate_limits: Sequence[Budget] | None = jumpseller.DEFAULT_RATE_LIMITS,
    bsale_rate_limits: Sequence[Budget] | None = None,
    facto_rate_limits: Sequence[Budget] | None = None,
    faults: FaultsArg = None,
    bsale_faults: FaultsArg = None,
    jumpseller_faults: FaultsArg = None,
    facto_faults: FaultsArg = None,
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
) -> Iterator[InvoicingSandboxes]:
    """Bsale + Jumpseller (serving ``n_orders`` orders) + Facto, for invoicing tests/benchmarks.

    ``orders`` wins over ``scenario``, which wins over generating one from
    ``n_products``/``n_skus``/``seed``; orders are generated from ``n_orders``/``seed``.
    ``faults`` applies to every sandbox without its own config; ``ports`` maps vendor -> port.
    """
    catalog = orders.catalog if orders else scenario or CatalogScenario.generate(n_products, seed, n_skus=n_skus)
    orders = orders or OrderScenario.generate(catalog, n_orders, seed)
    ports = ports or {}

    def pick(own: FaultsArg) -> FaultsArg:
        return own if own is not None else faults

    with ExitStack() as stack:
        handles = {
            "bsale": stack.enter_context(
                run_sandbox("bsale", catalog, rate_limits=bsale_rate_limits, faults=pick(bsale_faults),
                            host=host, port=ports.get("bsale", 0))
            ),
            "jumpseller": stack.enter_context(
                run_sandbox("jumpseller", orders, rate_limits=jumpseller_rate_limits,
                            faults=pick(jumpseller_faults), host=host, port=ports.get("jumpseller", 0))
            ),
        }  # fmt: skip
        facto_handle = None
        if with_facto:
            facto_handle = stack.enter_context(
                run_sandbox("facto", None, rate_limits=facto_rate_limits, faults=pick(facto_faults),
                            host=host, port=ports.get("facto", 0))
            )  # fmt: skip
        yield InvoicingSandboxes(
            scenario=catalog,
            orders=orders,
            bsale=handles["bsale"],
            jumpseller=handles["jumpseller"],
            facto=facto_handle,
        )
