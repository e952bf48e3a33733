"""Canonical models shared by every flow.

Connectors translate vendor payloads into these and back; rules only ever see these (or the
equivalent pandas frames, for the hot paths). Money is ``Decimal``: floats drift on CLP/COP
totals, and a drift of one peso is a different invoice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class CanonicalModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CatalogItem(CanonicalModel):
    """What the ERP says one SKU should look like on every channel.

    ``stock`` is the sellable quantity (already net of reservations); ``unlimited`` means the
    channel should not limit sales by stock. ``unsupported`` carries the reason when the item
    must never be pushed (packs, serial-numbered variants).
    """

    sku: str
    source_id: str
    stock: int
    unlimited: bool = False
    price: Decimal | None = None
    currency: str = "CLP"
    tax_included: bool = True
    unsupported: str | None = None


class ChannelListing(CanonicalModel):
    """What a channel currently shows for one SKU, and where to write to change it.

    ``variant_id`` is None for a simple product (stock and price live on the product).
    """

    sku: str
    product_id: str
    variant_id: str | None = None
    stock: int = 0
    unlimited: bool = False
    price: Decimal | None = None


class ListingUpdate(CanonicalModel):
    """One write to a channel listing: only the fields that differ are set."""

    sku: str
    product_id: str
    variant_id: str | None = None
    stock: int | None = None
    unlimited: bool | None = None
    price: Decimal | None = None

    def changed_fields(self) -> dict[str, object]:
        return {
            name: getattr(self, name)
            for name in ("stock", "unlimited", "price")
            if getattr(self, name) is not None
        }


# --- orders and invoices ------------------------------------------------------------------------


class Buyer(CanonicalModel):
    """Who the document is for, from the order's billing data (blank fields are None)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    doc_type: str | None = None  # "RUT" (CL), "CC"/"NIT" (CO), "CUIT"/"DNI" (AR)
    doc_number: str | None = None
    company: str | None = None
    activity: str | None = None  # giro
    address: str | None = None
    city: str | None = None
    municipality: str | None = None  # comuna


class OrderLine(CanonicalModel):
    """One product line as sold: ``unit_price`` is what the buyer paid per unit (taxes included
    when the order says so), ``discount`` the line's total discount amount."""

    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price - self.discount


class Order(CanonicalModel):
    id: str
    channel: str
    origin_channel: str | None = None
    status: str
    fulfillment: str | None = None
    created_at: datetime
    currency: str = "CLP"
    prices_include_tax: bool = True
    lines: tuple[OrderLine, ...] = ()
    shipping_cost: Decimal = Decimal(0)
    buyer: Buyer = Buyer()


class DraftLine(CanonicalModel):
    """A document line: ``net_unit_price`` without VAT, ``sku`` None for a free-text line."""

    sku: str | None
    description: str
    quantity: Decimal
    net_unit_price: Decimal
    gross_unit_price: Decimal
    taxed: bool = True


class InvoiceDraft(CanonicalModel):
    """What to ask the ERP for: one document for one order (never two, see the ledger)."""

    order_id: str
    channel: str
    kind: str  # "boleta" | "factura"
    issue_date: date
    reference: str  # our idempotency key / external id, e.g. "JS-1026"
    order_date: date | None = None  # when the buyer ordered (ERPs that date documents today still cite it)
    client: Buyer | None = None
    lines: tuple[DraftLine, ...]
    gross_total: Decimal


class InvoiceRecord(CanonicalModel):
    """What the ERP created."""

    doc_id: str
    number: str | None = None
    kind: str
    url: str | None = None
    total: Decimal | None = None
    created_at: datetime | None = None  # when the ERP made it, as it says: tells a re-sent document from a new one


# --- CRM: ERP sales invoices as the CRM sees them ---------------------------------------------


class InvoiceCustomer(CanonicalModel):
    """Who an ERP invoice was issued to, with what a CRM needs to find or create the contact."""

    identification: str  # cédula / NIT
    first_name: str
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: bool = False


class InvoiceItem(CanonicalModel):
    """One invoiced line: ``code`` is the product code a CRM product may share."""

    code: str
    description: str | None = None
    quantity: Decimal
    total: Decimal | None = None


class SalesInvoice(CanonicalModel):
    """A sales invoice read back from the ERP (an invoice source) for the CRM flow.

    ``created_at`` decides the day a scheduled run takes it in; ``updated_at`` tells a later run
    that the invoice was edited (its total may differ from the opportunity's value).
    """

    id: str
    name: str  # "FV-1-22": what people search for
    date: date
    created_at: datetime
    updated_at: datetime | None = None
    customer: InvoiceCustomer
    seller_id: str | None = None
    total: Decimal
    items: tuple[InvoiceItem, ...] = ()
