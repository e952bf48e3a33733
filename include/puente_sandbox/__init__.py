"""Vendor API sandboxes for Puente: real HTTP servers that imitate vendor APIs faithfully.

Product code never imports this package; tests, benchmarks and the demo do. Entry points:
:class:`CatalogScenario` (shared seed data), :class:`OrderScenario` (Jumpseller orders on top of
it), ``bsale.create_app`` / ``jumpseller.create_app`` / ``facto.create_app``,
:func:`serve_in_thread`, :func:`run_sandbox`, :func:`start_catalog_sandboxes`,
:func:`start_invoicing_sandboxes` and :class:`SandboxHandle`.
"""

from puente_sandbox.common.faults import FaultConfig
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
from puente_sandbox.server import serve_in_thread
from puente_sandbox.stack import (
    CatalogSandboxes,
    InvoicingSandboxes,
    run_sandbox,
    start_catalog_sandboxes,
    start_invoicing_sandboxes,
)

__all__ = [
    "DEFAULT_ACCESS_TOKEN",
    "DEFAULT_AUTHTOKEN",
    "DEFAULT_FACTO_KEY",
    "DEFAULT_FACTO_USER",
    "DEFAULT_LOGIN",
    "CatalogSandboxes",
    "CatalogScenario",
    "FaultConfig",
    "InvoicingSandboxes",
    "OrderScenario",
    "SandboxHandle",
    "run_sandbox",
    "serve_in_thread",
    "start_catalog_sandboxes",
    "start_invoicing_sandboxes",
]
