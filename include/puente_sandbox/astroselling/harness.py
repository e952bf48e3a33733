"""The astroselling sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data
from puente_sandbox.astroselling.testing import run_astroselling_sandbox
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.harness import VendorHarness


class AstrosellingHarness(VendorHarness):
    vendor = conn_type = "astroselling"
    secrets = (DEFAULT_ASTROSELLING_TOKEN,)
    order_page_size = 500

    def serve(self, *, faults=None, catalog_size=None, orders=None):
        data = generate_astroselling_data(n_orders=orders) if orders else None
        return run_astroselling_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "astroselling", "host": handle.url(API_PREFIX), "password": DEFAULT_ASTROSELLING_TOKEN}

    def order_window(self, handle):
        created = [datetime.fromisoformat(order["created_at"]) for order in handle.inspect_get("orders")]
        return min(created) - timedelta(seconds=1), max(created) + timedelta(days=1)

    def add_order(self, handle, number, created):
        handle.inspect_post("orders", {"id": f"AS-9{number:05d}", "status": "completed",
                                       "created_at": created.isoformat(timespec="seconds")})


HARNESS = AstrosellingHarness()
