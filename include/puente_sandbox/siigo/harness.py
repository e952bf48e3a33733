"""The siigo sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.harness import VendorHarness
from puente_sandbox.siigo.seed import generate_siigo_data
from puente_sandbox.siigo.testing import run_siigo_sandbox


class SiigoHarness(VendorHarness):
    vendor = conn_type = "siigo"
    secrets = (DEFAULT_SIIGO_ACCESS_KEY,)
    catalog_page_size = 100

    def serve(self, *, faults=None, catalog_size=None):
        data = generate_siigo_data(7, n_products=catalog_size) if catalog_size else None
        return run_siigo_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "siigo", "host": handle.base_url, "login": DEFAULT_SIIGO_USER,
                "password": DEFAULT_SIIGO_ACCESS_KEY, "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID}}

    def catalog_codes(self, handle):
        return {product["code"] for product in handle.store.products}


HARNESS = SiigoHarness()
