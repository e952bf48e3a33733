"""Astroselling <-> canonical listings: one account, the same SKU on each of its marketplace channels.

Jupiter keeps products **per channel** (``channels/{id}/products``) and sets stock and price per
channel with a partial ``PUT channels/{id}/products/{id_in_erp}`` (the only stock/price write; see
the hook). The catalog flow links one listing per SKU, so this target folds a SKU's per-channel
products into one row and fans each update out again:

* A SKU whose channels all show the same stock and price is one row with those values. When they
  disagree (someone edited one channel), the row shows stock ``-1`` and no price, values the ERP
  never wants, so the plan writes the SKU; :meth:`apply_update` then writes only the channels
  whose value differs. This needs the placements of the last :meth:`read_listings`, which the
  catalog task always does first on the same instance; without them every channel is written.
* A SKU listed twice on one channel becomes two rows, which the plan reports as a conflict.
* ``product_id`` is the product's ``id_in_erp`` (Puente publishes it equal to the SKU);
  ``variant_id`` is a variation's ``id_in_erp``. A variation's write re-sends the parent's whole
  ``variations`` array with that one changed: a partial update replaces the fields it sends.
* Astroselling has no "sell without stock" flag, so pre-sale (``unlimited``) cannot be shown; an
  update that only asks for it writes nothing.
* Prices are what the marketplace buyer pays (IVA included): ``price_with_taxes`` (default on)
  is the right flow setting. COP prices are whole pesos and are sent as JSON integers.

``catalog_channels`` (:class:`AstrosellingSettings`) limits the channels written; empty = all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from puente.hooks.errors import NotFound
from puente.rules.catalog import LISTING_COLUMNS, empty_listings
from puente.vendors.astroselling.settings import AstrosellingSettings

# One GET per SKU *and channel* against an assumed 60 calls/min, versus 500 products per page:
# below this many SKUs the targeted read is the cheaper one.
TARGETED_READ_MAX_SKUS = 5
DISAGREEING_STOCK = -1


@dataclass(frozen=True)
class Placement:
    """One SKU on one channel: where to write and what it shows now."""

    channel_id: int | str
    product_id: str
    variant_id: str | None
    stock: int
    price: Decimal | None


def _price(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def wire_price(value: object) -> int | float:
    """JSON number at the wire boundary only: whole pesos as integers."""
    amount = Decimal(str(value))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def placements_of(channel_id: int | str, product: dict[str, Any]) -> list[tuple[str, Placement]]:
    """(sku, placement) for a product, or for each of its variations when it has them."""
    product_id = str(product.get("id_in_erp") or product.get("sku") or "")
    variations = product.get("variations") or []
    if not variations:
        sku = str(product.get("sku") or product_id).strip()
        return [(sku, Placement(channel_id, product_id, None, int(product.get("stock") or 0),
                                _price(product.get("price"))))]  # fmt: skip
    return [
        (str(v.get("sku") or v.get("id_in_erp") or "").strip(),
         Placement(channel_id, product_id, str(v.get("id_in_erp") or v.get("sku")), int(v.get("stock") or 0),
                   _price(v.get("price"))))
        for v in variations
    ]  # fmt: skip


def fold(placements: dict[str, list[Placement]]) -> pd.DataFrame:
    """One listing row per SKU; disagreeing channels show values the ERP never wants."""
    rows = []
    for sku, where in placements.items():
        if not sku:
            continue
        if len({p.channel_id for p in where}) < len(where):  # twice on one channel: the plan's conflict
            rows.extend((sku, p.product_id, p.variant_id, p.stock, False, p.price) for p in where)
            continue
        first = where[0]
        stocks, prices = {p.stock for p in where}, {p.price for p in where}
        rows.append((sku, first.product_id, first.variant_id,
                     first.stock if len(stocks) == 1 else DISAGREEING_STOCK, False,
                     first.price if len(prices) == 1 else None))  # fmt: skip
    if not rows:
        return empty_listings()
    return pd.DataFrame.from_records(rows, columns=LISTING_COLUMNS)


class AstrosellingCatalogTarget:
    """The ERP's stock and price on every chosen channel of one Astroselling account."""

    def __init__(self, settings: AstrosellingSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.astroselling.hook import AstrosellingHook

            hook = AstrosellingHook(astroselling_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self._channels: list[int | str] | None = None
        self._placements: dict[str, list[Placement]] = {}

    def channels(self) -> list[int | str]:
        """The account's channel ids that ``catalog_channels`` names (all when empty), read once."""
        if self._channels is None:
            wanted = {str(c).strip().lower() for c in self.settings.catalog_channels}
            self._channels = [
                channel["id"] for channel in self.hook.list_channels()
                if not wanted or {str(channel.get("id")), str(channel.get("type") or "").lower()} & wanted
            ]  # fmt: skip
        return self._channels

    def _products(self, channel_id: int | str, skus: Collection[str] | None) -> Iterable[dict[str, Any]]:
        if skus is None or len(skus) > TARGETED_READ_MAX_SKUS:
            yield from self.hook.iter_products(channel_id)
            return
        for sku in sorted(skus):
            try:
                yield self.hook.get_product(channel_id, sku)
            except NotFound:
                continue

    def read_listings(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        placements: dict[str, list[Placement]] = defaultdict(list)
        for channel_id in self.channels():
            for product in self._products(channel_id, skus):
                for sku, placement in placements_of(channel_id, product):
                    placements[sku].append(placement)
        if skus is not None:
            placements = defaultdict(list, {sku: p for sku, p in placements.items() if sku in set(skus)})
        self._placements = dict(placements)
        return fold(self._placements)

    def apply_update(self, update: dict) -> None:
        """Write the changed stock/price to each channel of the SKU that does not show it yet."""
        stock = None if update.get("stock") is None else int(update["stock"])
        price = None if update.get("price") is None else Decimal(str(update["price"]))
        where = self._placements.get(update["sku"]) or [
            Placement(channel, update["product_id"], update.get("variant_id"), DISAGREEING_STOCK, None)
            for channel in self.channels()
        ]
        for placement in where:
            changes: dict[str, Any] = {}
            if stock is not None and placement.stock != stock:
                changes["stock"] = stock
            if price is not None and placement.price != price:
                changes["price"] = wire_price(price)
            if changes:
                self._write(placement, changes)

    def _write(self, placement: Placement, changes: dict[str, Any]) -> None:
        if placement.variant_id is None:
            self.hook.update_product(placement.channel_id, placement.product_id, **changes)
            return
        product = self.hook.get_product(placement.channel_id, placement.product_id)
        variations = [
            {**v, **changes} if str(v.get("id_in_erp") or v.get("sku")) == placement.variant_id else v
            for v in product.get("variations") or []
        ]
        self.hook.update_product(placement.channel_id, placement.product_id, variations=variations)
