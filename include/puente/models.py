"""Canonical models shared by every flow.

Connectors translate vendor payloads into these and back; rules only ever see these (or the
equivalent pandas frames, for the hot paths). Money is ``Decimal``: floats drift on CLP/COP
totals, and a drift of one peso is a different invoice.
"""

from __future__ import annotations

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
