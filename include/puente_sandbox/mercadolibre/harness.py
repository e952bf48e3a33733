"""The mercadolibre sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.harness import VendorHarness
from puente_sandbox.mercadolibre import generate_mercadolibre_data
from puente_sandbox.mercadolibre.seed import SELLER_ID
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

    webhook_token = "meli-conformance-hook-0001"

    def webhook_tenant(self, tenant):
        config = {"tenant": tenant, "name": tenant, "country": "CO", "timezone": "America/Bogota",
                  "erp": {"vendor": "siigo", "conn_id": f"siigo_{tenant}", "seller_id": 629,
                          "document_type_id": 24446, "payment_type_id": 5637},
                  "channels": [self.settings(f"meli_{tenant}")],
                  "flows": {"catalog_sync": {"enabled": False}, "invoicing": {"enabled": True}}}
        connections = {
            f"meli_{tenant}": {"conn_type": "mercadolibre", "host": "http://127.0.0.1:9",
                               "login": DEFAULT_MELI_CLIENT_ID, "password": "unused",
                               "extra": {"refresh_token": "unused", "seller_id": SELLER_ID,
                                         "webhook_token": self.webhook_token}},
            f"siigo_{tenant}": {"conn_type": "siigo", "host": "http://127.0.0.1:9", "login": "x",
                                "password": "unused", "extra": {"partner_id": "Puente"}},
        }
        return config, connections

    def webhook_event(self, tenant, now, *, body=None, authentic=True):
        at = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        event = {"_id": "0d6b2f4e-1c5a-4d3e-9f2a-5b8c7d6e1f01", "resource": "/orders/2000009000001",
                 "user_id": SELLER_ID, "topic": "orders_v2", "application_id": int(DEFAULT_MELI_CLIENT_ID),
                 "attempts": 1, "sent": at, "received": at}
        token = self.webhook_token if authentic else self.webhook_token[::-1]
        return {"params": {"token": token}, "headers": {"Content-Type": "application/json"},
                "content": json.dumps(event).encode() if body is None else body}


HARNESS = MercadoLibreHarness()
