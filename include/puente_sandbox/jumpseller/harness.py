"""The jumpseller sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness
from puente_sandbox.orders_datagen import OrderScenario
from puente_sandbox.stack import run_sandbox


class JumpsellerHarness(VendorHarness):
    vendor = conn_type = "jumpseller"
    secrets = (DEFAULT_AUTHTOKEN,)

    def serve(self, *, faults=None, catalog_size=None):
        catalog = CatalogScenario.generate(n_products=catalog_size or 20, seed=7)
        return run_sandbox("jumpseller", OrderScenario.generate(catalog, n_orders=30, seed=7), rate_limits=None,
                           faults=faults)

    def connection(self, handle):
        return {"conn_type": "jumpseller", "host": handle.base_url, "login": DEFAULT_LOGIN,
                "password": DEFAULT_AUTHTOKEN}


HARNESS = JumpsellerHarness()
