"""Escala: the CRM that gets contacts and opportunities from the ERP's invoices.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="escala",
    title="Escala",
    section="crm",
    settings="puente.vendors.escala.settings:EscalaSettings",
    capabilities={
        "crm_sink": "puente.vendors.escala.crm_sink:EscalaCrmSink",
    },
    notes="`x-api-key` header; 0-based paging and scroll; no published limit, hook default 5/s",
    connection_types="puente.vendors.escala.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.escala.harness:HARNESS",
)
