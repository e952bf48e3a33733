"""Siigo (Colombia): catalog source, DIAN invoices from orders, and the invoices the CRM sync reads.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="siigo",
    title="Siigo",
    section="erp",
    settings="puente.vendors.siigo.settings:SiigoSettings",
    capabilities={
        "catalog_source": "puente.vendors.siigo.catalog_source:SiigoCatalogSource",
        "invoice_sink": "puente.vendors.siigo.invoice_sink:SiigoInvoiceSink",
        "invoice_source": "puente.vendors.siigo.invoice_source:SiigoInvoiceSource",
        "event_receiver": "puente.vendors.siigo.event_receiver:SiigoEventReceiver",
        "webhook_registrar": "puente.vendors.siigo.webhook_registrar:SiigoWebhookRegistrar",
    },
    notes="extra `partner_id` (`Partner-Id` header); token from `/auth` "
          "cached for its 24 h and renewed once on a 401; 100 req/min; extra `webhook_token` "
          "(+ optional `company_key`) for product webhooks",
    price_list_setting="price_list",
    connection_types="puente.vendors.siigo.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.siigo.harness:HARNESS",
    documents="electronic invoices (facturas electrónicas, customers created when missing)",
)
