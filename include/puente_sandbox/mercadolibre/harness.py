"""The mercadolibre sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.harness import VendorHarness
from puente_sandbox.mercadolibre import generate_mercadolibre_data
from puente_sandbox.mercadolibre.testing import run_mercadolibre_sandbox


class MercadoLibreHarness(VendorHarness):
    vendor = conn_type = "mercadolibre"
    secrets = (DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN)
    order_page_size = 50

    def serve(self, *, faults=None, catalog_size=None, orders=None):
        data = generate_mercadolibre_data(n_orders=orders) if orders else None
        return run_mercadolibre_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "mercadolibre", "host": handle.base_url, "login": DEFAULT_MELI_CLIENT_ID,
                "password": DEFAULT_MELI_CLIENT_SECRET, "extra": {"refresh_token": DEFAULT_MELI_REFRESH_TOKEN}}

    def order_window(self, handle):
        created = [datetime.fromisoformat(order["date_created"]) for order in handle.inspect_get("orders")]
        return min(created) - timedelta(seconds=1), max(created) + timedelta(days=1)

    def add_order(self, handle, number, created):
        like = handle.inspect_get("orders", status="paid")[0]["id"]
        handle.inspect_post("orders/arrive", {"like": like, "id": 2000009000000 + number,
                                              "date_created": created.isoformat(timespec="milliseconds")})


HARNESS = MercadoLibreHarness()
