"""Alegra (Colombia and others): catalog source and electronic invoices from orders.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="alegra",
    title="Alegra",
    section="erp",
    settings="puente.vendors.alegra.settings:AlegraSettings",
    capabilities={
        "catalog_source": "puente.vendors.alegra.catalog_source:AlegraCatalogSource",
        "invoice_sink": "puente.vendors.alegra.invoice_sink:AlegraInvoiceSink",
    },
    notes="HTTP Basic; 150 req/min (waits `X-Rate-Limit-Reset`); start/limit paging with metadata",
    price_list_setting="price_list_id",
    connection_types="puente.vendors.alegra.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.alegra.harness:HARNESS",
    documents="electronic invoices (facturas electrónicas, contacts created when missing)",
)
