"""Astroselling: a marketplace hub (Mercado Libre, Falabella, ...) whose channels get the ERP's stock
and prices and whose orders are invoiced.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="astroselling",
    title="Astroselling",
    section="channel",
    settings="puente.vendors.astroselling.settings:AstrosellingSettings",
    capabilities={
        "catalog_target": "puente.vendors.astroselling.catalog_target:AstrosellingCatalogTarget",
        "catalog_import": "puente.vendors.astroselling.catalog_import:AstrosellingCatalogImport",
        "order_source": "puente.vendors.astroselling.order_source:AstrosellingOrderSource",
    },
    notes="Bearer; orders API not public: the sandbox implements the contract in our notes; 60/min assumed",
    connection_types="puente.vendors.astroselling.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.astroselling.harness:HARNESS",
    order_reference_prefix="",
    # reserves_stock_on left empty: Astroselling's orders API is not public (our contract is
    # inferred) and its stock is set per marketplace channel; which statuses hold that stock is
    # unknown, so catalog sync does not guess (README, "Stock held by open orders").
)
