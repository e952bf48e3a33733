"""Mercado Libre: a seller account whose orders are invoiced.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="mercadolibre",
    title="Mercado Libre",
    section="channel",
    settings="puente.vendors.mercadolibre.settings:MercadoLibreSettings",
    capabilities={
        "order_source": "puente.vendors.mercadolibre.order_source:MercadoLibreOrderSource",
        "event_receiver": "puente.vendors.mercadolibre.event_receiver:MercadoLibreEventReceiver",
    },
    notes="extra `refresh_token` (single use, rotates); 6 h access token refreshed on expiry or 401; "
    "extra `seller_id` + `webhook_token` for notifications",
    connection_types="puente.vendors.mercadolibre.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.mercadolibre.harness:HARNESS",
    order_reference_prefix="ML",
    order_url="puente.vendors.mercadolibre.links:order_url",
    # reserves_stock_on left empty: Puente pushes no stock to Mercado Libre (no catalog_target), and
    # nothing public we found says which order statuses keep ``available_quantity`` taken (inferred:
    # every order from ``confirmed`` on, since Mercado Pago pays at once). Its uninvoiced orders are
    # therefore not subtracted from other stores yet (README, "Stock held by open orders").
)
