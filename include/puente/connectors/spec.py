"""What a vendor plug-in declares, so Puente's core can use it without importing its code.

A vendor is one package (``puente/vendors/<vendor>/`` for the vendors Puente ships, any installed
distribution for others) that publishes a :class:`VendorSpec` under the ``puente.vendors`` entry-point
group. Everything the core needs at DAG-parse time is plain data here; the vendor's classes are
named as ``"module:attribute"`` strings and imported only when a task uses them (parse time is a
product metric). The model is Airflow's provider metadata: declarative, discovered, lazy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ENTRY_POINT_GROUP = "puente.vendors"

# capability -> the protocol in puente.connectors.protocols its class implements
CAPABILITIES = {
    "catalog_source": "CatalogSource",  # an ERP's stock and prices by SKU
    "catalog_target": "CatalogTarget",  # a channel's listings by SKU; stock and price written
    "catalog_import": "CatalogImporter",  # a channel that can create the ERP products it lacks
    "order_source": "OrderSource",  # a channel's orders in a window; documents attached to them
    "invoice_sink": "InvoiceSink",  # an ERP's documents made from drafts, found again by reference
    "invoice_source": "InvoiceSource",  # an ERP's invoices in a date range
    "crm_sink": "CrmSink",  # a CRM's contacts and opportunities
    "event_receiver": "EventReceiver",  # the vendor's webhooks: authentic events -> targeted runs
    "webhook_registrar": "WebhookRegistrar",  # registers the vendor's webhooks for a tenant through its API
}
# where a tenant file names the vendor: ``erp:``, an entry of ``channels:``, or ``crm:``
SECTIONS = ("erp", "channel", "crm")


@dataclass(frozen=True)
class VendorSpec:
    """One vendor plug-in.

    ``settings`` is the pydantic model of its tenant-file section (``vendor: <name>`` plus its
    options; import-cheap, it is read at parse time), ``capabilities`` maps each capability it has
    to its connector class, ``connection_types`` names the tuple of Airflow connection forms it
    adds (see :mod:`puente.connection_forms`), and ``sandbox`` its test kit
    (``puente_sandbox.harness.VendorHarness``: how the shared conformance suites serve the vendor's
    sandbox and connect to it; product code never imports it).
    """

    name: str
    title: str
    section: str
    settings: str
    capabilities: Mapping[str, str]
    connection_types: str
    sandbox: str | None = None
    documents: str = ""  # invoice sinks: what they make, in the invoicing DAG's docs
    order_reference_prefix: str = ""  # order sources: the prefix of the reference put on documents
    notes: str = ""  # the docs' connection table: how it authenticates, its budget, its quirks
    # channels: order statuses whose orders hold the channel's stock until the ERP's document exists
    # (catalog sync subtracts their units, ``rules.reservations``); empty = the channel holds none
    # that Puente knows of. The order source then has ``read_open_orders(statuses, since)``.
    reserves_stock_on: tuple[str, ...] = ()
    # ERPs with price lists: the settings field naming the list the catalog reads ("Lista de
    # precios"), so a channel entry's own ``price_list`` can stand in for it (``config.price_lists``).
    price_list_setting: str | None = None
    # channels: ``"module:function"`` giving the channel's own page for one order (the merchant's
    # admin), ``function(settings, order_id, country) -> str | None``; None = the vendor has none we know.
    order_url: str | None = None

    def problems(self, entry_point: str) -> list[str]:
        """Why this declaration cannot be used (empty when it can)."""
        found = []
        if self.name != entry_point:
            found.append(f"declares name {self.name!r} under entry point {entry_point!r}")
        if self.section not in SECTIONS:
            found.append(f"section {self.section!r} is not one of {', '.join(SECTIONS)}")
        unknown = sorted(set(self.capabilities) - set(CAPABILITIES))
        if unknown:
            found.append(f"unknown capabilities {unknown} (known: {', '.join(CAPABILITIES)})")
        targets = (self.settings, self.connection_types, *self.capabilities.values(), *filter(None, [self.order_url]))
        for target in targets:
            if target.count(":") != 1:
                found.append(f"{target!r} is not 'module:attribute'")
        return found
