"""Capability protocols: a flow works with any pair of connectors that implement its protocols.

Adding a vendor is one hook, one connector and one sandbox; the flows do not change.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

import pandas as pd

# Below this many SKUs a targeted run asks the vendor SKU by SKU; above, reading the pages is cheaper.
TARGETED_READ_MAX_SKUS = 25


@runtime_checkable
class CatalogSource(Protocol):
    """An ERP that knows stock and prices by SKU (columns: ``rules.catalog.SOURCE_COLUMNS``)."""

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame: ...


@runtime_checkable
class CatalogTarget(Protocol):
    """A sales channel whose listings are matched by SKU (columns: ``rules.catalog.LISTING_COLUMNS``)."""

    def read_listings(self, skus: Collection[str] | None = None) -> pd.DataFrame: ...

    def apply_update(self, update: dict) -> None: ...


@runtime_checkable
class CatalogImporter(Protocol):
    """A channel that creates products (``rules.catalog_import.ImportProduct``) it lacks.

    ``create`` is not idempotent: after an uncertain outcome the caller asks ``find`` (by SKU)
    before any new ``create``. Both answer a ``rules.catalog_import.CreatedProduct`` (``find``:
    None when the channel has none of the product's SKUs).
    """

    def create(self, product): ...

    def find(self, product): ...


class NeedsPerson(Exception):
    """The ERP kept the document half-done (e.g. a draft not sent to the tax authority).

    Re-sending would create a second document, so the order waits for a person.
    """


@runtime_checkable
class OrderSource(Protocol):
    """A channel's orders in a window, and a place to attach the document."""

    def read_orders(self, start, end, statuses) -> list: ...

    def read_order(self, order_id: str): ...

    def attach(self, order_id: str, record, *, check_first: bool) -> None: ...


@runtime_checkable
class InvoiceSink(Protocol):
    """An ERP that turns an ``InvoiceDraft`` into a tax document.

    ``idempotent``: re-sending a draft whose outcome is unknown returns the same document.
    ``requires_linked_skus``: lines must name products the ERP knows (a catalog ERP), or may name any
    (an e-invoicing service without products).
    """

    idempotent: bool
    requires_linked_skus: bool

    def create(self, draft): ...

    def categorize(self, message: str | None) -> str: ...


@runtime_checkable
class InvoiceSource(Protocol):
    """An ERP's sales invoices created or edited in ``[start, end)``, as ``SalesInvoice``."""

    def read_invoices(self, start, end) -> list: ...


@runtime_checkable
class CrmSink(Protocol):
    """A CRM: resolve owners/stage/products, find or create contacts, create and re-value opportunities."""

    def users(self) -> dict: ...

    def resolve_stage(self, pipeline, stage) -> tuple: ...

    def products(self, codes) -> dict: ...

    def find_or_create_contact(self, customer, cedula_field: str) -> tuple: ...

    def create_opportunity(self, decision, contact_id: str) -> str: ...

    def find_opportunity(self, name: str, contact_id: str): ...

    def update_value(self, deal_id: str, value) -> None: ...


@runtime_checkable
class EventReceiver(Protocol):
    """A vendor's webhook for one tenant (``puente.web.webhooks`` routes ``/webhooks/<vendor>/<tenant>``).

    ``receive`` checks the sender the vendor's way (a per-tenant secret or a signature), reads and
    validates the body, and answers ``Planned`` (the run to start, its id from the event) or
    ``Dropped`` (authentic but stale or irrelevant); anything else is ``Refused`` (a 4xx with a
    reason). Constructed without arguments.
    """

    async def receive(self, config, request, now: float, skus_for_source): ...


@runtime_checkable
class WebhookRegistrar(Protocol):
    """A vendor whose webhooks are registered through its API (``puente webhooks register|check``).

    ``needed`` is what the tenant's enabled flows need (``puente.webhook_registration.NeededHook``,
    each pointing at ``webhook_url(base_url, vendor, tenant)``), ``registered`` what the vendor holds
    now (``RegisteredHook``), and ``register`` makes the two agree without duplicates (creates what is
    missing, fixes a wrong URL, leaves the rest) and says what it did (``HookChange``); run twice,
    the second run changes nothing. Constructed without arguments.
    """

    def needed(self, config, base_url: str) -> list: ...

    def registered(self, config) -> list: ...

    def register(self, config, base_url: str) -> list: ...
