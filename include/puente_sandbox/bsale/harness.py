"""The bsale sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

import json

from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness, paid_order
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

    def invoice_order(self, handle, number):
        in_stock = [stock.variant_id for stock in handle.store.stocks.values()
                    if stock.office_id == 1 and stock.quantity_available >= 5]
        codes = [handle.store.variants[variant].code for variant in sorted(in_stock)[:2]]
        return paid_order(number, "", currency="CLP", lines=[(code, 1, 11900) for code in codes],
                          buyer={"name": "Conformidad Cliente", "email": "cliente@correo.cl"})

    def document_count(self, handle):
        return len(handle.inspect_get("documents"))

    webhook_token = "bsale-conformance-hook-0001"

    def webhook_tenant(self, tenant):
        config = {"tenant": tenant, "name": tenant, "country": "CL",
                  "erp": self.settings(f"bsale_{tenant}"),
                  "channels": [{"vendor": "jumpseller", "conn_id": f"jumpseller_{tenant}"}]}
        connections = {
            f"bsale_{tenant}": {"conn_type": "bsale", "host": "http://127.0.0.1:9", "password": "unused",
                                "extra": {"webhook_token": self.webhook_token}},
            f"jumpseller_{tenant}": {"conn_type": "jumpseller", "host": "http://127.0.0.1:9", "login": "x",
                                     "password": "unused"},
        }
        return config, connections

    def webhook_event(self, tenant, now, *, body=None, authentic=True):
        event = {"cpnId": 2, "resource": "/v2/stocks.json?variant=3960&office=1", "resourceId": "3960",
                 "topic": "stock", "action": "put", "officeId": "1", "send": int(now)}
        token = self.webhook_token if authentic else self.webhook_token[::-1]
        return {"params": {"token": token}, "headers": {"Content-Type": "application/json"},
                "content": json.dumps(event).encode() if body is None else body}


HARNESS = BsaleHarness()
