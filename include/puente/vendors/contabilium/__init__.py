"""Contabilium (Argentina): catalog source and AFIP facturas from orders.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="contabilium",
    title="Contabilium",
    section="erp",
    settings="puente.vendors.contabilium.settings:ContabiliumSettings",
    capabilities={
        "catalog_source": "puente.vendors.contabilium.catalog_source:ContabiliumCatalogSource",
        "invoice_sink": "puente.vendors.contabilium.invoice_sink:ContabiliumInvoiceSink",
    },
    notes="host per `country` extra (AR, CL, UY); OAuth client credentials, "
          "token cached and renewed once on 401; 30 req / 10 s",
    price_list_setting="price_list_id",
    connection_types="puente.vendors.contabilium.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.contabilium.harness:HARNESS",
    documents="AFIP facturas (letter A/B/C from the buyer's tax condition), e-mailed when configured",
)
