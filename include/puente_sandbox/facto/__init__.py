"""Facto (facto.cl) SOAP sandbox: ``create_app(store, user=..., key=..., rate_limits=..., faults=...)``.

Facto emits Chilean DTEs (boletas, facturas, notas) through one SOAP operation; see
:mod:`puente_sandbox.facto.app` for the contract.
"""

from puente_sandbox.credentials import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER
from puente_sandbox.facto.app import ENDPOINT, create_app
from puente_sandbox.facto.store import FactoDocument, FactoStore

__all__ = ["DEFAULT_FACTO_KEY", "DEFAULT_FACTO_USER", "ENDPOINT", "FactoDocument", "FactoStore", "create_app"]
