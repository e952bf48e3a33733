"""Escala CRM public-API sandbox (Colombia/Perú): ``create_app(store, rate_limits=..., faults=...)``.

Contacts with typed custom fields (the customer's cédula), deals with products and
``updateValue``, pipelines with stages, users (owners) and products by code; see
../shared/vendor-apis/escala.md for the contract and what of it is inferred.
"""

from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala.app import create_app
from puente_sandbox.escala.seed import EscalaSeed, generate_seed
from puente_sandbox.escala.store import EscalaStore
from puente_sandbox.escala.vendor import DEFAULT_RATE_LIMITS

__all__ = ["DEFAULT_ESCALA_API_KEY", "DEFAULT_RATE_LIMITS", "EscalaSeed", "EscalaStore", "create_app", "generate_seed"]
