"""The siigo sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.harness import VendorHarness, paid_order
from puente_sandbox.siigo.catalogs import CASH_PAYMENT_ID, ELECTRONIC_FV_ID
from puente_sandbox.siigo.seed import generate_siigo_data, siigo_timestamp
from puente_sandbox.siigo.testing import run_siigo_sandbox
from puente_sandbox.siigo.webhooks import COMPANY_KEY, STOCK


class SiigoHarness(VendorHarness):
    vendor = conn_type = "siigo"
    secrets = (DEFAULT_SIIGO_ACCESS_KEY,)
    catalog_page_size = invoice_page_size = 100

    def serve(self, *, faults=None, catalog_size=None, invoices=None):
        sizes = {"n_products": catalog_size} if catalog_size else {}
        sizes |= {"n_invoices": invoices} if invoices else {}
        data = generate_siigo_data(7, **sizes) if sizes else None
        return run_siigo_sandbox(data, rate_limits=None, faults=faults)

    def invoice_window(self, handle):
        created = [datetime.fromisoformat(invoice["metadata"]["created"].replace("Z", "+00:00"))
                   for invoice in handle.inspect_get("invoices")]
        return min(created) - timedelta(seconds=1), max(created) + timedelta(days=1)

    def connection(self, handle):
        return {"conn_type": "siigo", "host": handle.base_url, "login": DEFAULT_SIIGO_USER,
                "password": DEFAULT_SIIGO_ACCESS_KEY, "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID}}

    def settings(self, conn_id):
        return {"vendor": "siigo", "conn_id": conn_id, "seller_id": 629, "document_type_id": ELECTRONIC_FV_ID,
                "payment_type_id": CASH_PAYMENT_ID}

    def catalog_codes(self, handle):
        return {product["code"] for product in handle.store.products}

    def invoice_order(self, handle, number):
        return paid_order(number, "AS-", currency="COP", lines=[("SKU-0001", 1, 119000)],
                          buyer={"name": "Camila Rojas Díaz", "email": "camila.rojas@correo.co",
                                 "phone": "+57 310 5551234", "doc_type": "CC", "doc_number": "1020304999",
                                 "address": "Calle 10 #43-12", "city": "Medellín"})

    def document_count(self, handle):
        return len(handle.inspect_get("invoices"))

    webhook_token = "siigo-conformance-hook-0001"

    def webhook_tenant(self, tenant):
        config = {"tenant": tenant, "name": tenant, "country": "CO", "timezone": "America/Bogota",
                  "erp": self.settings(f"siigo_{tenant}"),
                  "channels": [{"vendor": "astroselling", "conn_id": f"astro_{tenant}"}]}
        connections = {
            f"siigo_{tenant}": {"conn_type": "siigo", "host": "http://127.0.0.1:9", "login": DEFAULT_SIIGO_USER,
                                "password": "unused", "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID,
                                                                "webhook_token": self.webhook_token,
                                                                "company_key": COMPANY_KEY}},
            f"astro_{tenant}": {"conn_type": "astroselling", "host": "http://127.0.0.1:9", "password": "unused"},
        }
        return config, connections

    def webhook_event(self, tenant, now, *, body=None, authentic=True):
        at = siigo_timestamp(datetime.fromtimestamp(now, UTC))
        event = {"company_key": COMPANY_KEY, "username": DEFAULT_SIIGO_USER, "topic": STOCK,
                 "id": "00584089-2f4c-4b4e-9a1d-1c2b3d4e5f60", "code": "SKU-0001", "name": "Camiseta",
                 "available_quantity": 5, "warehouses": [{"id": 1270, "name": "Bodega principal", "quantity": 5}],
                 "created": at, "last_updated": at, "stock_updated": at}
        token = self.webhook_token if authentic else self.webhook_token[::-1]
        return {"params": {"token": token}, "headers": {"Content-Type": "application/json"},
                "content": json.dumps(event).encode() if body is None else body}


HARNESS = SiigoHarness()
