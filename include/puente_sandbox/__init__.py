"""Vendor API sandboxes for Puente: real HTTP servers that imitate vendor APIs faithfully.

Product code never imports this package; tests, benchmarks and the demo do. Entry points:
:class:`CatalogScenario` (shared seed data), ``bsale.create_app`` / ``jumpseller.create_app``,
:func:`serve_in_thread`, :func:`start_catalog_sandboxes` and :class:`SandboxHandle`.
"""

from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.server import serve_in_thread
from puente_sandbox.stack import CatalogSandboxes, run_sandbox, start_catalog_sandboxes

__all__ = [
    "DEFAULT_ACCESS_TOKEN",
    "DEFAULT_AUTHTOKEN",
    "DEFAULT_LOGIN",
    "CatalogSandboxes",
    "CatalogScenario",
    "FaultConfig",
    "SandboxHandle",
    "run_sandbox",
    "serve_in_thread",
    "start_catalog_sandboxes",
]
