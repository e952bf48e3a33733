"""Bsale API sandbox (Chile): ``create_app(store, access_token=..., rate_limits=..., faults=...)``.

Catalog, stock and prices (catalog sync) and sales documents (invoicing); see
``routes_documents`` and ``document_rules`` for the documents contract.
"""

from puente_sandbox.bsale.app import create_app
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN

__all__ = ["DEFAULT_ACCESS_TOKEN", "BsaleStore", "create_app"]
