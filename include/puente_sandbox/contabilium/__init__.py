"""Contabilium REST API sandbox (Argentina, ERP + AFIP e-invoicing), faithful to the vendor notes.

``create_app(store, rate_limits=..., faults=...)``, :class:`ContabiliumStore`, the seed generator
:func:`generate_contabilium_data` and the test helper :func:`run_contabilium_sandbox`. Contract
details live in the module docstrings: auth (``routes_auth``), errors and paging (``vendor``),
catalog and stock (``routes_catalog``), clients (``routes_clients``), comprobantes and e-mail
(``routes_invoices``, ``invoice_rules``), ``/_sandbox`` helpers (``inspection``).
"""

from puente_sandbox.contabilium.app import create_app
from puente_sandbox.contabilium.seed import ContabiliumSeed, generate_contabilium_data
from puente_sandbox.contabilium.store import ContabiliumStore
from puente_sandbox.contabilium.testing import run_contabilium_sandbox
from puente_sandbox.contabilium.vendor import DEFAULT_RATE_LIMITS

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "ContabiliumSeed",
    "ContabiliumStore",
    "create_app",
    "generate_contabilium_data",
    "run_contabilium_sandbox",
]
