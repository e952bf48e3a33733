"""Astroselling "Jupiter" API sandbox (multi-channel marketplace connector), faithful to the public
README of ``astroselling/jupiter-sdk`` for channels and per-channel products.

Its orders API is **not public**: the orders routes implement the contract proposed in
``vendor-apis/astroselling.md`` (marked inferred there and in :mod:`routes_orders`).
``create_app(store, rate_limits=..., faults=...)``, :class:`AstrosellingStore`, the seed generator
:func:`generate_astroselling_data` and the test helper :func:`run_astroselling_sandbox`. Contract
details live in the module docstrings: auth (``auth``), paging and errors (``vendor``), products
(``routes_products``), orders (``routes_orders``), ``/_sandbox`` helpers (``inspection``).
"""

from puente_sandbox.astroselling.app import create_app
from puente_sandbox.astroselling.seed import AstrosellingSeed, generate_astroselling_data
from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.testing import run_astroselling_sandbox
from puente_sandbox.astroselling.vendor import API_PREFIX, DEFAULT_RATE_LIMITS

__all__ = [
    "API_PREFIX",
    "DEFAULT_RATE_LIMITS",
    "AstrosellingSeed",
    "AstrosellingStore",
    "create_app",
    "generate_astroselling_data",
    "run_astroselling_sandbox",
]
