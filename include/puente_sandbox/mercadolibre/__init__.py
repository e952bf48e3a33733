"""Mercado Libre API sandbox (orders side), faithful to ../shared/vendor-apis/mercadolibre.md.

``create_app(store, rate_limits=..., faults=...)``, :class:`MercadoLibreStore`, the seed
generator :func:`generate_mercadolibre_data` and the test helper
:func:`run_mercadolibre_sandbox`. Contract details live in the module docstrings: OAuth
(``routes_auth``, ``store``), orders/billing/shipments (``routes_orders``), errors and the
(inferred) rate limit (``vendor``), ``/_sandbox`` helpers (``inspection``).
"""

from puente_sandbox.mercadolibre.app import create_app
from puente_sandbox.mercadolibre.seed import MercadoLibreSeed, generate_mercadolibre_data
from puente_sandbox.mercadolibre.store import MercadoLibreStore
from puente_sandbox.mercadolibre.testing import run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.vendor import DEFAULT_RATE_LIMITS

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "MercadoLibreSeed",
    "MercadoLibreStore",
    "create_app",
    "generate_mercadolibre_data",
    "run_mercadolibre_sandbox",
]
