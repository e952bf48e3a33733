"""The alegra sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.alegra.seed import generate_alegra_data
from puente_sandbox.alegra.testing import run_alegra_sandbox
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN
from puente_sandbox.harness import VendorHarness, paid_order


class AlegraHarness(VendorHarness):
    vendor = conn_type = "alegra"
    secrets = (DEFAULT_ALEGRA_TOKEN,)
    catalog_page_size = 30

    def serve(self, *, faults=None, catalog_size=None):
        data = generate_alegra_data(7, n_items=catalog_size) if catalog_size else None
        return run_alegra_sandbox(data, rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "alegra", "host": handle.base_url, "login": DEFAULT_ALEGRA_EMAIL,
                "password": DEFAULT_ALEGRA_TOKEN}

    def catalog_codes(self, handle):
        return {item["reference"] for item in handle.store.items if item.get("reference")}

    def invoice_order(self, handle, number):
        return paid_order(number, "AS-", currency="COP", lines=[("REF-0002", 2, 119000)],
                          buyer={"name": "Laura Gómez", "email": "laura@correo.co", "phone": "3001234567",
                                 "doc_type": "CC", "doc_number": "52999001", "address": "Calle 10 # 5-20",
                                 "city": "Cali"})

    def document_count(self, handle):
        return len(handle.inspect_get("invoices"))


HARNESS = AlegraHarness()
