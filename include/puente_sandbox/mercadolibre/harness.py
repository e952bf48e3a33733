"""The mercadolibre sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.harness import VendorHarness
from puente_sandbox.mercadolibre.testing import run_mercadolibre_sandbox


class MercadoLibreHarness(VendorHarness):
    vendor = conn_type = "mercadolibre"
    secrets = (DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN)

    def serve(self, *, faults=None, catalog_size=None):
        return run_mercadolibre_sandbox(rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "mercadolibre", "host": handle.base_url, "login": DEFAULT_MELI_CLIENT_ID,
                "password": DEFAULT_MELI_CLIENT_SECRET, "extra": {"refresh_token": DEFAULT_MELI_REFRESH_TOKEN}}


HARNESS = MercadoLibreHarness()
