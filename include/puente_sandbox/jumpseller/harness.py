"""The jumpseller sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from datetime import timedelta

from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness
from puente_sandbox.orders_datagen import OrderScenario
from puente_sandbox.stack import run_sandbox


class JumpsellerHarness(VendorHarness):
    vendor = conn_type = "jumpseller"
    secrets = (DEFAULT_AUTHTOKEN,)
    order_page_size = 100

    def serve(self, *, faults=None, catalog_size=None, orders=None):
        catalog = CatalogScenario.generate(n_products=catalog_size or 20, seed=7)
        scenario = OrderScenario.generate(catalog, n_orders=orders or 30, seed=7)
        return run_sandbox("jumpseller", scenario, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "jumpseller", "host": handle.base_url, "login": DEFAULT_LOGIN,
                "password": DEFAULT_AUTHTOKEN}

    def order_window(self, handle):
        created = [order.created for order in handle.store.orders.values()]
        return min(created) - timedelta(seconds=1), max(created) + timedelta(days=1)

    def add_order(self, handle, number, created):
        handle.inspect_post("orders", {"orders": [{"id": 900000 + number, "status_enum": "paid",
                                                   "created_at": created.strftime("%Y-%m-%d %H:%M:%S %z")}]})


HARNESS = JumpsellerHarness()
