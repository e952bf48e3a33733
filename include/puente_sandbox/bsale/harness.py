"""The bsale sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness
from puente_sandbox.stack import run_sandbox


class BsaleHarness(VendorHarness):
    vendor = conn_type = "bsale"
    secrets = (DEFAULT_ACCESS_TOKEN,)
    catalog_page_size = 50

    def serve(self, *, faults=None, catalog_size=None):
        scenario = CatalogScenario.generate(n_products=catalog_size or 20, seed=7)
        return run_sandbox("bsale", scenario, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "bsale", "host": handle.base_url, "password": DEFAULT_ACCESS_TOKEN}

    def settings(self, conn_id):
        return {"vendor": "bsale", "conn_id": conn_id, "office_id": 1}

    def catalog_codes(self, handle):
        return {variant.code for variant in handle.store.variants.values()}


HARNESS = BsaleHarness()
