"""Jumpseller API sandbox: ``create_app(store, login=..., authtoken=..., rate_limits=..., faults=...)``.

Products/variants (catalog sync), store info, orders with order documents (invoicing), and
webhooks that are delivered, signed, to the registered URLs; see ``routes_products``,
``routes_orders``, ``order_filters``, ``routes_hooks`` and ``hooks`` for the contract.
"""

from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.jumpseller.app import create_app
from puente_sandbox.jumpseller.store import JumpsellerStore, Listing
from puente_sandbox.jumpseller.vendor import DEFAULT_RATE_LIMITS

__all__ = [
    "DEFAULT_AUTHTOKEN",
    "DEFAULT_LOGIN",
    "DEFAULT_RATE_LIMITS",
    "JumpsellerStore",
    "Listing",
    "create_app",
]
