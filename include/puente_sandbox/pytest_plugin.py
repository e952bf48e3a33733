"""Pytest fixtures for sandbox-backed tests.

Enable with ``pytest_plugins = ["puente_sandbox.pytest_plugin"]`` in the top-level conftest.

``catalog_scenario`` is small (40 products, seed 7); override the fixture in a conftest to change
it. ``bsale_sandbox`` and ``jumpseller_sandbox`` are function-scoped real servers on ephemeral
loopback ports seeded from the *same* scenario, so their SKUs line up. For bigger catalogs or
custom limits/faults use the ``start_catalog_sandboxes`` factory (a context manager).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.jumpseller import DEFAULT_RATE_LIMITS
from puente_sandbox.stack import run_sandbox
from puente_sandbox.stack import start_catalog_sandboxes as _start_catalog_sandboxes


@pytest.fixture
def catalog_scenario() -> CatalogScenario:
    return CatalogScenario.generate(n_products=40, seed=7)


@pytest.fixture
def bsale_sandbox(catalog_scenario: CatalogScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("bsale", catalog_scenario, rate_limits=None) as handle:
        yield handle


@pytest.fixture
def jumpseller_sandbox(catalog_scenario: CatalogScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("jumpseller", catalog_scenario, rate_limits=DEFAULT_RATE_LIMITS) as handle:
        yield handle


@pytest.fixture
def start_catalog_sandboxes() -> Callable[..., object]:
    """The :func:`puente_sandbox.stack.start_catalog_sandboxes` factory, for ``with`` blocks."""
    return _start_catalog_sandboxes
