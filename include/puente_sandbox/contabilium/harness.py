"""The contabilium sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.contabilium.seed import generate_contabilium_data
from puente_sandbox.contabilium.testing import run_contabilium_sandbox
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET
from puente_sandbox.harness import VendorHarness


class ContabiliumHarness(VendorHarness):
    vendor = conn_type = "contabilium"
    secrets = (DEFAULT_CONTABILIUM_CLIENT_SECRET,)
    catalog_page_size = 50

    def serve(self, *, faults=None, catalog_size=None):
        data = generate_contabilium_data(11, n_products=catalog_size) if catalog_size else None
        return run_contabilium_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "contabilium", "host": handle.base_url, "login": DEFAULT_CONTABILIUM_CLIENT_ID,
                "password": DEFAULT_CONTABILIUM_CLIENT_SECRET}

    def catalog_codes(self, handle):
        return {product["Codigo"] for product in handle.store.products}


HARNESS = ContabiliumHarness()
