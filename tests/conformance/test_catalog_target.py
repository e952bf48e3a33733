"""Every catalog target (a channel's listings by SKU): listings in the canonical frame, and a stock
and price update that shows on the next read, also through 429s and 5xx."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from conformance_kit import harness_of, vendors_with

from puente.rules.catalog import LISTING_COLUMNS

VENDORS = vendors_with("catalog_target")


@pytest.fixture
def target(connector):
    return lambda vendor, handle: connector("catalog_target", vendor, handle)


def _one_listing(frame: pd.DataFrame) -> dict:
    stocked = frame[frame["sku"].astype(bool) & ~frame["unlimited"].astype(bool)]
    return stocked.sort_values("sku").iloc[0].to_dict()


def _update(row: dict, stock_delta: int, price_delta: int) -> dict:
    """New stock and price for a listing (a target may show no single value yet: its channels disagree)."""
    stock = 0 if pd.isna(row["stock"]) else max(int(row["stock"]), 0)
    price = Decimal(1000) if pd.isna(row["price"]) else Decimal(str(row["price"]))
    return {"sku": row["sku"], "product_id": row["product_id"], "variant_id": row["variant_id"],
            "stock": stock + stock_delta, "price": price + price_delta}


@pytest.mark.parametrize("vendor", VENDORS)
def test_listings_come_in_the_canonical_frame(vendor, target):
    with harness_of(vendor).serve(catalog_size=40) as handle:
        frame = target(vendor, handle).read_listings()
    assert list(frame.columns) == LISTING_COLUMNS and len(frame) > 0
    assert frame["product_id"].notna().all()


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("faults", [None, {"rate_429": 0.5, "rate_5xx": 0.2, "seed": 1}], ids=["clean", "faulty"])
def test_an_update_shows_on_the_next_read(vendor, faults, target):
    with harness_of(vendor).serve(catalog_size=40) as handle:
        channel = target(vendor, handle)
        row = _one_listing(channel.read_listings())
        update = _update(row, 3, 100)
        if faults:
            handle.set_faults(**faults)
        channel.apply_update(update)
        handle.clear_faults()
        after = target(vendor, handle).read_listings([row["sku"]]).set_index("sku").loc[row["sku"]]
        injected = handle.counters()["faults_injected"]
    assert int(after["stock"]) == update["stock"] and Decimal(str(after["price"])) == update["price"]
    if faults:
        assert injected["429"] + injected["5xx"] > 0
