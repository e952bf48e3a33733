"""Jumpseller: an online store whose stock and prices follow the ERP and whose orders are invoiced.

This package is the vendor's plug-in: its hook (transport), its connectors by capability, its
tenant-file settings and its connection form. ``VENDOR`` is what it declares to Puente's core
(entry point ``puente.vendors``); it names classes as strings, so importing it costs nothing.
"""

from puente.connectors.spec import VendorSpec

VENDOR = VendorSpec(
    name="jumpseller",
    title="Jumpseller",
    section="channel",
    settings="puente.vendors.jumpseller.settings:JumpsellerSettings",
    capabilities={
        "catalog_target": "puente.vendors.jumpseller.catalog_target:JumpsellerCatalogTarget",
        "catalog_import": "puente.vendors.jumpseller.catalog_import:JumpsellerCatalogImport",
        "order_source": "puente.vendors.jumpseller.order_source:JumpsellerOrderSource",
        "event_receiver": "puente.vendors.jumpseller.event_receiver:JumpsellerEventReceiver",
        "webhook_registrar": "puente.vendors.jumpseller.webhook_registrar:JumpsellerWebhookRegistrar",
    },
    notes="HTTP Basic; 20 req/s, 800 req/min shared per store; extras `hooks_token` (secret) and "
    "`store_code`: the store's signed webhooks",
    connection_types="puente.vendors.jumpseller.connection:CONNECTION_TYPES",
    sandbox="puente_sandbox.jumpseller.harness:HARNESS",
    order_reference_prefix="JS",
    order_url="puente.vendors.jumpseller.links:order_url",
    # "De New a Pending: el stock se reduce; de Pending a Paid: no pasa nada; a Abandoned o Canceled:
    # el stock vuelve" (https://es.jumpseller.com/support/inventory-management): pending and paid
    # orders hold the store's stock; a paid one until the ERP's document takes it there.
    reserves_stock_on=("pending_payment", "paid"),
)
