"""Pytest fixtures for sandbox-backed tests.

Enable with ``pytest_plugins = ["puente_sandbox.pytest_plugin"]`` in the top-level conftest.

``catalog_scenario`` is small (40 products, seed 7) and ``order_scenario`` puts 200 orders (seed 7,
30 days from 2024-05-02, America/Santiago) on top of it; override either fixture in a conftest to
change them. ``bsale_sandbox``, ``jumpseller_sandbox`` and ``facto_sandbox`` are function-scoped
real servers on ephemeral loopback ports: Bsale and Jumpseller are seeded from the *same* catalog,
so their SKUs line up, and Jumpseller also serves ``order_scenario``'s orders (its clock is the
scenario's ``now``). For bigger catalogs or custom limits/faults use the ``start_catalog_sandboxes``
or ``start_invoicing_sandboxes`` factories (context managers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.jumpseller import DEFAULT_RATE_LIMITS
from puente_sandbox.orders_datagen import OrderScenario
from puente_sandbox.stack import run_sandbox
from puente_sandbox.stack import start_catalog_sandboxes as _start_catalog_sandboxes
from puente_sandbox.stack import start_invoicing_sandboxes as _start_invoicing_sandboxes


@pytest.fixture
def catalog_scenario() -> CatalogScenario:
    return CatalogScenario.generate(n_products=40, seed=7)


@pytest.fixture
def order_scenario(catalog_scenario: CatalogScenario) -> OrderScenario:
    return OrderScenario.generate(catalog_scenario, n_orders=200, seed=7)


@pytest.fixture
def bsale_sandbox(catalog_scenario: CatalogScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("bsale", catalog_scenario, rate_limits=None) as handle:
        yield handle


@pytest.fixture
def jumpseller_sandbox(order_scenario: OrderScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("jumpseller", order_scenario, rate_limits=DEFAULT_RATE_LIMITS) as handle:
        yield handle


@pytest.fixture
def facto_sandbox() -> Iterator[SandboxHandle]:
    with run_sandbox("facto", rate_limits=None) as handle:
        yield handle


@pytest.fixture
def start_catalog_sandboxes() -> Callable[..., object]:
    """The :func:`puente_sandbox.stack.start_catalog_sandboxes` factory, for ``with`` blocks."""
    return _start_catalog_sandboxes


@pytest.fixture
def start_invoicing_sandboxes() -> Callable[..., object]:
    """The :func:`puente_sandbox.stack.start_invoicing_sandboxes` factory, for ``with`` blocks."""
    return _start_invoicing_sandboxes
