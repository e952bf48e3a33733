"""The jumpseller sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

import json
from datetime import timedelta

from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_HOOKS_TOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness
from puente_sandbox.jumpseller.hooks import signature
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

    def webhook_tenant(self, tenant):
        """A Bsale -> Jumpseller tenant that invoices paid orders; the store's hooks token and code set."""
        config = {"tenant": tenant, "name": tenant, "country": "CL",
                  "erp": {"vendor": "bsale", "conn_id": f"bsale_{tenant}", "office_id": 1},
                  "channels": [{"vendor": "jumpseller", "conn_id": f"jumpseller_{tenant}"}],
                  "flows": {"invoicing": {"enabled": True}}}
        connections = {
            f"bsale_{tenant}": {"conn_type": "bsale", "host": "http://127.0.0.1:9", "password": "unused"},
            f"jumpseller_{tenant}": {"conn_type": "jumpseller", "host": "http://127.0.0.1:9", "login": DEFAULT_LOGIN,
                                     "password": "unused",
                                     "extra": {"hooks_token": DEFAULT_HOOKS_TOKEN, "store_code": DEFAULT_LOGIN}},
        }
        return config, connections

    def webhook_event(self, tenant, now, *, body=None, authentic=True):
        """An ``order_paid`` delivery (Jumpseller's events carry no send time; ``now`` is unused)."""
        content = json.dumps({"order": {"id": 1026, "status": "Paid", "status_enum": "paid"}}).encode() \
            if body is None else body
        token = DEFAULT_HOOKS_TOKEN if authentic else DEFAULT_HOOKS_TOKEN[::-1]
        return {"headers": {"Content-Type": "application/json", "Jumpseller-Event": "order_paid",
                            "Jumpseller-Store-Code": DEFAULT_LOGIN,
                            "Jumpseller-Hmac-Sha256": signature(content, token)},
                "content": content}


HARNESS = JumpsellerHarness()
