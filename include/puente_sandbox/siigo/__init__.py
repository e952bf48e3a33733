"""Siigo Nube API sandbox (Colombia, ERP + DIAN e-invoicing), faithful to Siigo's API Blueprint.

``create_app(store, rate_limits=..., faults=...)``, :class:`SiigoStore`, the seed generator
:func:`generate_siigo_data` and the test helper :func:`run_siigo_sandbox`. Contract details live in
the module docstrings: auth (``routes_auth``), paging (``paging``), invoices (``invoice_rules``,
``routes_invoices``), customers (``customer_rules``), errors (``vendor``), ``/_sandbox``
helpers (``inspection``).
"""

from puente_sandbox.siigo.app import create_app
from puente_sandbox.siigo.seed import SiigoSeed, generate_siigo_data
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.testing import run_siigo_sandbox
from puente_sandbox.siigo.vendor import DEFAULT_RATE_LIMITS, TEST_COMPANY_RATE_LIMITS

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "TEST_COMPANY_RATE_LIMITS",
    "SiigoSeed",
    "SiigoStore",
    "create_app",
    "generate_siigo_data",
    "run_siigo_sandbox",
]
