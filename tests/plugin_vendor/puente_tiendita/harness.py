"""Tiendita's test kit for Puente's shared conformance suites (``puente_sandbox.harness``)."""

from __future__ import annotations

from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.harness import VendorHarness, paid_order
from puente_sandbox.stack import as_fault_config, serve_app
from puente_tiendita.sandbox import API_KEY, TienditaStore, create_app


class TienditaHarness(VendorHarness):
    vendor = conn_type = "tiendita"
    secrets = (API_KEY,)
    catalog_page_size = 50

    def serve(self, *, faults=None, catalog_size=None, **_):
        store = TienditaStore.from_catalog(CatalogScenario.generate(n_products=catalog_size or 20, seed=7))
        app = create_app(store, rate_limits=None, faults=as_fault_config(faults))
        return serve_app(app, "tiendita", headers={"X-Api-Key": API_KEY}, store=store)

    def connection(self, handle):
        return {"conn_type": "tiendita", "host": handle.base_url, "password": API_KEY}

    def catalog_codes(self, handle):
        return set(handle.store.products)

    def invoice_order(self, handle, number):
        codes = sorted(code for code, product in handle.store.products.items() if product["stock"] > 0)[:2]
        return paid_order(number, "T", currency="CLP", lines=[(code, 1, 11900) for code in codes],
                          buyer={"name": "Conformidad Cliente", "email": "cliente@correo.cl"})

    def document_count(self, handle):
        return len(handle.inspect_get("invoices"))


HARNESS = TienditaHarness()
