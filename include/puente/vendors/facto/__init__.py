"""Facto (Chile): SII e-invoicing over SOAP; it has no catalog API, so it only invoices.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="facto",
    title="Facto",
    section="erp",
    settings="puente.vendors.facto.settings:FactoSettings",
    capabilities={
        "invoice_sink": "puente.vendors.facto.invoice_sink:FactoInvoiceSink",
    },
    notes="HTTP Basic; SOAP `emitirDocumento`; no published limit, hook default 2/s and 60/min",
    connection_types="puente.vendors.facto.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.facto.harness:HARNESS",
    documents="boletas, or facturas when the buyer gave a RUT and a company",
)
