"""The contabilium sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.contabilium.seed import generate_contabilium_data
from puente_sandbox.contabilium.testing import run_contabilium_sandbox
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET
from puente_sandbox.harness import VendorHarness, paid_order


class ContabiliumHarness(VendorHarness):
    vendor = conn_type = "contabilium"
    secrets = (DEFAULT_CONTABILIUM_CLIENT_SECRET,)
    catalog_page_size = 50

    def serve(self, *, faults=None, catalog_size=None):
        data = generate_contabilium_data(11, n_products=catalog_size) if catalog_size else None
        return run_contabilium_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "contabilium", "host": handle.base_url, "login": DEFAULT_CONTABILIUM_CLIENT_ID,
                "password": DEFAULT_CONTABILIUM_CLIENT_SECRET}

    def settings(self, conn_id):
        # no pause before the second lookup: the sandbox lists a comprobante as soon as it exists
        return {"vendor": "contabilium", "conn_id": conn_id, "lookup_retry_delay_seconds": 0}

    def catalog_codes(self, handle):
        return {product["Codigo"] for product in handle.store.products}

    def invoice_order(self, handle, number):
        return paid_order(number, "", currency="ARS", lines=[("SKU-0001", 2, 1210)],
                          buyer={"name": "Lucía Sosa", "email": "lucia@correo.com.ar", "doc_number": "30.123.456"})

    def document_count(self, handle):
        return len(handle.inspect_get("invoices"))


HARNESS = ContabiliumHarness()
