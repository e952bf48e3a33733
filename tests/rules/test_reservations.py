from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest

from puente.models import Order, OrderLine
from puente.rules.catalog import LISTING_COLUMNS, SOURCE_COLUMNS, CatalogOptions, plan_catalog
from puente.rules.reservations import (
    combine,
    hold_stock_level,
    reserved_rows,
    reserved_units,
    subtract_reserved,
    to_erp_skus,
)

NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)


def order(order_id, *lines, status="pending_payment"):
    return Order(
        id=str(order_id), channel="js", status=status, created_at=NOW,
        lines=tuple(OrderLine(sku=sku, name=sku, quantity=Decimal(str(qty)), unit_price=Decimal(1000))
                    for sku, qty in lines),
    )


def source(*rows):
    return pd.DataFrame.from_records(
        [(sku, "1", stock, unlimited, Decimal(1000), Decimal(1190), None) for sku, stock, unlimited in rows],
        columns=SOURCE_COLUMNS,
    )


def listings(*rows):
    return pd.DataFrame.from_records(
        [(sku, "10", None, stock, unlimited, Decimal(1190)) for sku, stock, unlimited in rows],
        columns=LISTING_COLUMNS,
    )


def stock_of(frame):
    return dict(zip(frame["sku"], frame["stock"], strict=True))


def test_open_orders_add_up_per_sku_and_settled_orders_hold_nothing():
    orders = [order(1, ("A", 3), ("B", 1)), order(2, ("A", 2)), order(3, ("B", 5))]
    assert reserved_units(orders, settled_order_ids=[]) == {"A": 5, "B": 6}
    assert reserved_units(orders, settled_order_ids={"3"}) == {"A": 5, "B": 1}


def test_an_order_listed_twice_counts_once():
    assert reserved_units([order(1, ("A", 3)), order(1, ("A", 3))], set()) == {"A": 3}


def test_only_holding_statuses_count_when_given():
    orders = [order(1, ("A", 3)), order(2, ("A", 4), status="canceled"), order(3, ("A", 1), status="paid")]
    assert reserved_units(orders, set(), holding_statuses={"pending_payment", "paid"}) == {"A": 4}


def test_hostile_lines_hold_nothing_and_fractions_round_up():
    orders = [order(1, ("", 3), ("  ", 2), ("A", 0), ("B", -2), ("C", "0.5"))]
    assert reserved_units(orders, set()) == {"C": 1}


def test_skus_map_to_the_erp_and_channels_add_up():
    store_a = to_erp_skus({"a-1": 2, "B": 1}, {"a-1": "A"})
    store_b = to_erp_skus({"A": 1})
    assert combine([store_a, store_b]) == {"A": 3, "B": 1}


def test_subtract_never_goes_below_zero_and_leaves_the_input_alone():
    erp = source(("A", 10.0, False), ("B", 2.0, False), ("C", 7.0, False))
    held = subtract_reserved(erp, {"A": 3, "B": 5, "Z": 9})
    assert stock_of(held) == {"A": 7.0, "B": 0.0, "C": 7.0}
    assert stock_of(erp) == {"A": 10.0, "B": 2.0, "C": 7.0}
    assert subtract_reserved(erp, {}) is erp


@pytest.mark.parametrize(("presale", "expected"), [(True, 0.0), (False, 1.0)])
def test_unlimited_presale_rows_are_untouched(presale, expected):
    erp = source(("P", 0.0, True), ("Q", 4.0, True))
    held = subtract_reserved(erp, {"P": 2, "Q": 3}, presale=presale)
    assert stock_of(held)["Q"] == (4.0 if presale else expected)
    assert [row["sku"] for row in reserved_rows(erp, {"P": 2, "Q": 3}, presale=presale)] == (
        [] if presale else ["P", "Q"])


def test_the_plan_pushes_erp_minus_held_units():
    erp = source(("X", 10.0, False))
    plan = plan_catalog(subtract_reserved(erp, {"X": 3}), listings(("X", 10, False)), CatalogOptions(push_price=False))
    assert [(u["sku"], u["stock"]) for u in plan.updates] == [("X", 7)]
    assert reserved_rows(erp, {"X": 3}) == [{"sku": "X", "erp_stock": 10.0, "reserved": 3, "sellable": 7.0}]


def test_fail_safe_never_raises_a_listing_and_never_turns_it_unlimited():
    erp = source(("UP", 9.0, False), ("DOWN", 1.0, False), ("NEW", 5.0, False), ("PRE", 0.0, True),
                 ("NONE", None, False))
    shown = listings(("UP", 4, False), ("DOWN", 3, False), ("PRE", 2, False), ("NONE", 3, False))
    held = hold_stock_level(erp, shown)
    assert stock_of(held) == {"UP": 4.0, "DOWN": 1.0, "NEW": 5.0, "PRE": 0.0, "NONE": 0.0}
    assert dict(zip(held["sku"], held["sells_without_stock"], strict=True))["PRE"] is False
    plan = plan_catalog(held, shown, CatalogOptions(push_price=False, presale=True))
    assert {u["sku"]: u.get("stock") for u in plan.updates} == {"DOWN": 1, "PRE": 0, "NONE": 0}
