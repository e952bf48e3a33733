"""Catalog sync rules: what each channel listing should show, and the minimal writes to get there.

Pure functions over pandas frames (one row per SKU) because a catalog is 20,000 SKUs and the
planning budget is 10 µs per SKU: vectorised merges, no per-row pydantic objects. The column
contract mirrors ``puente.models.CatalogItem`` / ``ChannelListing``.

The diff is against what the store *shows* (read every run), not only against what we last
pushed: the ERP is the source of truth, so a manual edit in the store is reverted on the next run.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

SOURCE_COLUMNS = ["sku", "source_id", "stock", "sells_without_stock", "price_net", "price_gross", "unsupported"]
LISTING_COLUMNS = ["sku", "product_id", "variant_id", "stock", "unlimited", "price"]
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CatalogOptions:
    """The seed article's options plus the manual-run params."""

    push_stock: bool = True
    push_price: bool = True
    price_with_taxes: bool = True
    presale: bool = False
    full_resync: bool = False
    skus: frozenset[str] | None = None


@dataclass
class CatalogPlan:
    updates: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def sku_list(self, status: str) -> list[str]:
        return [link["sku"] for link in self.links if link["status"] == status]


def empty_source() -> pd.DataFrame:
    return pd.DataFrame(columns=SOURCE_COLUMNS)


def empty_listings() -> pd.DataFrame:
    return pd.DataFrame(columns=LISTING_COLUMNS)


def desired_state(source: pd.DataFrame, options: CatalogOptions) -> pd.DataFrame:
    """ERP facts -> what the channel should show.

    Pre-sale on: variants the ERP lets sell without stock become unlimited. Pre-sale off: every
    listing is limited to real stock, never below zero (the store must not oversell).
    """
    desired = source[["sku", "source_id", "unsupported"]].copy()
    desired["unlimited"] = source["sells_without_stock"].astype(bool) & options.presale
    desired["stock"] = source["stock"].fillna(0).astype("int64").clip(lower=0)
    price_column = "price_gross" if options.price_with_taxes else "price_net"
    desired["price"] = source[price_column] if options.push_price else None
    return desired


def _duplicated(frame: pd.DataFrame) -> set[str]:
    return set(frame.loc[frame["sku"].duplicated(keep=False), "sku"])


def _money(value: object) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return Decimal(str(value)).quantize(CENT)


def plan_catalog(source: pd.DataFrame, listings: pd.DataFrame, options: CatalogOptions) -> CatalogPlan:
    """Link by SKU and compute the writes that bring every linked listing to the ERP's values."""
    source = source[source["sku"].astype(bool)]
    listings = listings[listings["sku"].astype(bool)]
    if options.skus is not None:
        source = source[source["sku"].isin(options.skus)]
        listings = listings[listings["sku"].isin(options.skus)]

    conflicts = _duplicated(source) | _duplicated(listings)
    desired = desired_state(source, options).drop_duplicates("sku")
    merged = desired.merge(
        listings.drop_duplicates("sku"), on="sku", how="outer", suffixes=("", "_now"), indicator="side"
    )

    plan = CatalogPlan()
    counts = {
        "read_source": len(source),
        "read_target": len(listings),
        "linked": 0,
        "unmatched_source": 0,
        "unmatched_target": 0,
        "unsupported": 0,
        "conflicts": len(conflicts),
        "planned_stock": 0,
        "planned_price": 0,
    }
    merged["maybe_differs"] = _maybe_differs(merged, options)
    for row in _rows(merged):
        link = {"sku": row.sku, "source_id": _str(row.source_id), "product_id": _str(row.product_id),
                "variant_id": _str(row.variant_id), "reason": None}
        if row.sku in conflicts:
            link.update(status="conflict", reason="SKU appears more than once on one side")
        elif row.side == "left_only":
            link["status"] = "source_only"
            counts["unmatched_source"] += 1
        elif row.side == "right_only":
            link["status"] = "target_only"
            counts["unmatched_target"] += 1
        elif isinstance(row.unsupported, str) and row.unsupported:
            link.update(status="unsupported", reason=row.unsupported)
            counts["unsupported"] += 1
        else:
            link["status"] = "linked"
            counts["linked"] += 1
            update = _listing_update(row, options) if row.maybe_differs else None
            if update:
                counts["planned_stock"] += "stock" in update or "unlimited" in update
                counts["planned_price"] += "price" in update
                plan.updates.append(
                    {"sku": row.sku, "product_id": link["product_id"], "variant_id": link["variant_id"],
                     **update}
                )
        plan.links.append(link)
    plan.counts = counts
    return plan


def _maybe_differs(merged: pd.DataFrame, options: CatalogOptions) -> pd.Series:
    """A vectorised pre-filter: False only where the listing certainly needs no write.

    Why: the exact comparison (``_listing_update``, prices as Decimal cents) costs microseconds a
    row; in a steady hourly sync about 1% of 20,000 rows differ. The filter is conservative: any
    float difference in price, any stock or unlimited difference, or a full resync makes a row a
    candidate, and only candidates get the exact check, so the plan is the same as checking all.
    """
    if options.full_resync:
        return pd.Series(True, index=merged.index)
    candidates = pd.Series(False, index=merged.index)
    if options.push_stock:
        unlimited = merged["unlimited"].fillna(False).astype(bool)
        unlimited_now = merged["unlimited_now"].fillna(False).astype(bool)
        stock = pd.to_numeric(merged["stock"], errors="coerce")
        stock_now = pd.to_numeric(merged["stock_now"], errors="coerce")
        stock_differs = ~((stock == stock_now) | (stock.isna() & stock_now.isna()))
        candidates |= (unlimited != unlimited_now) | (~unlimited & stock_differs)
    if options.push_price:
        wanted = pd.to_numeric(merged["price"], errors="coerce")
        now = pd.to_numeric(merged["price_now"], errors="coerce")
        candidates |= wanted.notna() & (now.isna() | (wanted != now))
    return candidates


def _rows(frame: pd.DataFrame):
    """The frame's rows as named tuples of plain Python values.

    Why not ``itertuples``: with pandas 3 string columns every cell is boxed through the extension
    array one by one (about 80 ms of a 20k-SKU plan); ``tolist`` converts each column at once.
    """
    row_type = namedtuple("Row", frame.columns)
    return map(row_type._make, zip(*(frame[column].tolist() for column in frame.columns), strict=True))


def _str(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return str(value)


def _listing_update(row, options: CatalogOptions) -> dict:
    """Only the fields that differ (all enabled fields on a full resync)."""
    update: dict = {}
    if options.push_stock:
        unlimited = bool(row.unlimited)
        stock_differs = bool(row.unlimited_now) != unlimited or (
            not unlimited and int(row.stock_now) != int(row.stock)
        )
        if stock_differs or options.full_resync:
            update["unlimited"] = unlimited
            if not unlimited:
                update["stock"] = int(row.stock)
    if options.push_price:
        wanted = _money(row.price)
        if wanted is not None and (options.full_resync or wanted != _money(row.price_now)):
            update["price"] = wanted
    return update
