"""Every catalog source (an ERP's stock and prices by SKU): pages through a catalog larger than one
page into the canonical frame, reads just the SKUs asked for, and gives the same frame through 429s
and 5xx."""

from __future__ import annotations

import pandas as pd
import pytest
from conformance_kit import harness_of, vendors_with

from puente.rules.catalog import SOURCE_COLUMNS
from puente.rules.catalog_import import PRODUCT_COLUMNS

VENDORS = vendors_with("catalog_source")


@pytest.fixture
def source(connector):
    return lambda vendor, handle: connector("catalog_source", vendor, handle)


def _rows(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows in SKU order, every missing value as None (NaN and None mean the same here)."""
    ordered = frame.sort_values(["sku", "source_id"], key=lambda column: column.astype(str))
    return [{key: (None if pd.isna(value) else value) for key, value in row.items()}
            for row in ordered.to_dict("records")]


def _size(vendor: str) -> int:
    return 2 * harness_of(vendor).catalog_page_size + 7


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_catalog_larger_than_a_page_comes_whole_in_the_canonical_frame(vendor, source):
    with harness_of(vendor).serve(catalog_size=_size(vendor)) as handle:
        frame = source(vendor, handle).read_catalog()
        codes = harness_of(vendor).catalog_codes(handle)
    # the canonical columns, then (optionally) the product columns an import creates from
    assert list(frame.columns) in (SOURCE_COLUMNS, SOURCE_COLUMNS + PRODUCT_COLUMNS)
    assert set(frame["sku"]) <= codes | {""}  # "" = an item without the configured SKU field
    sellable = frame[frame["unsupported"].isna()]
    assert sellable["sku"].is_unique  # a SKU several items share is reported, not sold
    assert len(sellable) > harness_of(vendor).catalog_page_size  # more than one page was read
    assert sellable["stock"].notna().all() and sellable["price_net"].notna().all()
    assert (sellable["price_gross"] >= sellable["price_net"]).all()


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_targeted_read_returns_just_the_skus_asked_for(vendor, source):
    with harness_of(vendor).serve() as handle:
        catalog = source(vendor, handle)
        whole = catalog.read_catalog()
        wanted = sorted(whole.loc[whole["unsupported"].isna(), "sku"])[:3]
        targeted = catalog.read_catalog(wanted)
    assert sorted(targeted["sku"]) == wanted
    assert _rows(targeted) == _rows(whole[whole["sku"].isin(wanted)])


@pytest.mark.parametrize("vendor", VENDORS)
def test_429s_and_5xx_do_not_change_the_frame(vendor, source):
    harness = harness_of(vendor)
    with harness.serve(catalog_size=_size(vendor)) as handle:
        clean = source(vendor, handle).read_catalog()
        # seed 1: the first request gets a 429. Rates low enough that no request meets all of its
        # attempts faulty (readers in threads draw in no fixed order, so the sequence varies).
        handle.set_faults(rate_429=0.15, rate_5xx=0.1, seed=1)
        faulty = source(vendor, handle).read_catalog()
        injected = handle.counters()["faults_injected"]
    assert injected["429"] > 0
    assert _rows(faulty) == _rows(clean)
