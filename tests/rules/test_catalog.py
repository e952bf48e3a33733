from decimal import Decimal

import pandas as pd
import pytest

from puente.rules.catalog import LISTING_COLUMNS, SOURCE_COLUMNS, CatalogOptions, plan_catalog


def source(*rows):
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS)


def listings(*rows):
    return pd.DataFrame.from_records(rows, columns=LISTING_COLUMNS)


def src(sku, stock=5, sells_without_stock=False, net="1000", gross="1190", unsupported=None, sid="1"):
    return (sku, sid, stock, sells_without_stock, Decimal(net), Decimal(gross), unsupported)


def lst(sku, stock=5, unlimited=False, price="1190", product="10", variant=None):
    return (sku, product, variant, stock, unlimited, Decimal(price))


def updates_by_sku(plan):
    return {u["sku"]: {k: v for k, v in u.items() if k in {"stock", "unlimited", "price"}} for u in plan.updates}


def test_in_step_listing_needs_no_write():
    plan = plan_catalog(source(src("A")), listings(lst("A")), CatalogOptions())
    assert plan.updates == []
    assert plan.counts["linked"] == 1


def test_stock_and_price_differences_become_one_write_each_field():
    plan = plan_catalog(
        source(src("A", stock=7), src("B", gross="2380")),
        listings(lst("A", stock=5, variant="81"), lst("B")),
        CatalogOptions(),
    )
    assert updates_by_sku(plan) == {
        "A": {"stock": 7, "unlimited": False},
        "B": {"price": Decimal("2380.00")},
    }
    assert plan.updates[0]["variant_id"] == "81"
    assert plan.counts["planned_stock"] == 1 and plan.counts["planned_price"] == 1


def test_net_price_option_uses_the_net_value():
    plan = plan_catalog(source(src("A")), listings(lst("A")), CatalogOptions(price_with_taxes=False))
    assert updates_by_sku(plan) == {"A": {"price": Decimal("1000.00")}}


def test_price_option_off_never_touches_prices():
    plan = plan_catalog(source(src("A", gross="9999")), listings(lst("A")), CatalogOptions(push_price=False))
    assert plan.updates == []


def test_reserved_or_negative_stock_never_goes_below_zero():
    plan = plan_catalog(source(src("A", stock=-3)), listings(lst("A", stock=2)), CatalogOptions())
    assert updates_by_sku(plan) == {"A": {"stock": 0, "unlimited": False}}


@pytest.mark.parametrize(("presale", "expected"), [(True, {"unlimited": True}), (False, {})])
def test_presale_turns_sell_without_stock_into_unlimited(presale, expected):
    plan = plan_catalog(
        source(src("A", stock=0, sells_without_stock=True)), listings(lst("A", stock=0)),
        CatalogOptions(presale=presale),
    )
    assert updates_by_sku(plan).get("A", {}) == expected


def test_presale_off_limits_a_previously_unlimited_listing_to_real_stock():
    plan = plan_catalog(
        source(src("A", stock=4, sells_without_stock=True)), listings(lst("A", stock=0, unlimited=True)),
        CatalogOptions(presale=False),
    )
    assert updates_by_sku(plan) == {"A": {"stock": 4, "unlimited": False}}


def test_one_sided_unsupported_and_duplicated_skus_are_reported_not_pushed():
    plan = plan_catalog(
        source(src("ONLY-ERP"), src("PACK", unsupported="pack"), src("DUP", sid="1"), src("DUP", sid="2"),
               src("SAME")),
        listings(lst("ONLY-STORE"), lst("PACK", stock=0), lst("DUP", stock=0), lst("SAME", stock=0)),
        CatalogOptions(),
    )
    status = {link["sku"]: link["status"] for link in plan.link_records()}
    assert status == {"ONLY-ERP": "source_only", "ONLY-STORE": "target_only", "PACK": "unsupported",
                      "DUP": "conflict", "SAME": "linked"}
    assert set(updates_by_sku(plan)) == {"SAME"}
    assert (plan.counts["unmatched_source"], plan.counts["unmatched_target"], plan.counts["unsupported"],
            plan.counts["conflicts"]) == (1, 1, 1, 1)


def test_full_resync_writes_every_linked_listing():
    plan = plan_catalog(source(src("A"), src("B")), listings(lst("A"), lst("B")), CatalogOptions(full_resync=True))
    assert updates_by_sku(plan) == {
        "A": {"stock": 5, "unlimited": False, "price": Decimal("1190.00")},
        "B": {"stock": 5, "unlimited": False, "price": Decimal("1190.00")},
    }


def test_sku_filter_limits_the_run():
    plan = plan_catalog(
        source(src("A", stock=1), src("B", stock=1)), listings(lst("A"), lst("B")),
        CatalogOptions(skus=frozenset({"B"})),
    )
    assert set(updates_by_sku(plan)) == {"B"}
    assert plan.counts["read_source"] == 1


def test_blank_skus_are_ignored_on_both_sides():
    plan = plan_catalog(source(src("")), listings(lst("")), CatalogOptions())
    assert plan.link_records() == [] and plan.updates == []


def test_price_comparison_ignores_float_noise_below_a_cent():
    plan = plan_catalog(source(src("A", gross="1190")), listings(lst("A", price="1190.001")), CatalogOptions())
    assert plan.updates == []


@pytest.mark.parametrize("presale", [False, True])
@pytest.mark.parametrize("price_with_taxes", [False, True])
def test_the_vectorised_prefilter_never_changes_the_plan(monkeypatch, presale, price_with_taxes):
    """Random catalogs (stock, unlimited, sub-cent price noise): same writes with and without the filter."""
    import random

    from puente.rules import catalog

    rng = random.Random(11)
    prices = ["1190", "1190.001", "1190.004", "1190.006", "1191", "999.995", "1000"]
    rows_source, rows_listings = [], []
    for n in range(600):
        sku = f"S{n}"
        rows_source.append(src(sku, stock=rng.choice([-2, 0, 3, 5]), sells_without_stock=rng.random() < 0.3,
                               net=rng.choice(prices), gross=rng.choice(prices)))
        rows_listings.append(lst(sku, stock=rng.choice([0, 3, 5]), unlimited=rng.random() < 0.2,
                                 price=rng.choice(prices)))
    options = CatalogOptions(presale=presale, price_with_taxes=price_with_taxes)
    filtered = plan_catalog(source(*rows_source), listings(*rows_listings), options)
    monkeypatch.setattr(catalog, "_maybe_differs", lambda merged, _options: pd.Series(True, index=merged.index))
    exhaustive = plan_catalog(source(*rows_source), listings(*rows_listings), options)
    assert filtered.updates == exhaustive.updates and filtered.counts == exhaustive.counts
    assert 0 < len(filtered.updates) < 600
