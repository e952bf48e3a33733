"""Alegra API sandbox (Colombia, ERP + DIAN e-invoicing), faithful to the Alegra notes.

``create_app(store, rate_limits=..., faults=...)``, :class:`AlegraStore`, the seed generator
:func:`generate_alegra_data` and the test helper :func:`run_alegra_sandbox`. Contract details live
in the module docstrings: auth, rate limit and errors (``vendor``), paging (``paging``), items and
catalogs (``routes_catalogs``), contacts (``contact_rules``), invoices (``invoice_rules``,
``routes_invoices``), ``/_sandbox`` helpers (``inspection``).
"""

from puente_sandbox.alegra.app import create_app
from puente_sandbox.alegra.seed import AlegraSeed, generate_alegra_data
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.testing import run_alegra_sandbox
from puente_sandbox.alegra.vendor import DEFAULT_RATE_LIMITS

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "AlegraSeed",
    "AlegraStore",
    "create_app",
    "generate_alegra_data",
    "run_alegra_sandbox",
]
