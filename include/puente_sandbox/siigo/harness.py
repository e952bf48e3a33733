"""The siigo sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.harness import VendorHarness, paid_order
from puente_sandbox.siigo.catalogs import CASH_PAYMENT_ID, ELECTRONIC_FV_ID
from puente_sandbox.siigo.seed import generate_siigo_data
from puente_sandbox.siigo.testing import run_siigo_sandbox


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


HARNESS = SiigoHarness()
