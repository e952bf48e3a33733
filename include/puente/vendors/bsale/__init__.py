"""Bsale (Chile): the ERP whose stock and prices the stores sell, and which makes their boletas and facturas.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="bsale",
    title="Bsale",
    section="erp",
    settings="puente.vendors.bsale.settings:BsaleSettings",
    capabilities={
        "catalog_source": "puente.vendors.bsale.catalog_source:BsaleCatalogSource",
        "invoice_sink": "puente.vendors.bsale.invoice_sink:BsaleInvoiceSink",
        "event_receiver": "puente.vendors.bsale.event_receiver:BsaleEventReceiver",
    },
    notes="`access_token` header; extra `webhook_token`: the tenant's own webhook secret",
    price_list_setting="price_list_id",
    connection_types="puente.vendors.bsale.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.bsale.harness:HARNESS",
    documents="boletas, or facturas when the buyer gave a RUT and a company",
)
