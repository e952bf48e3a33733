"""The order generator: deterministic, coherent with the Bsale catalog, fast at 5,000 orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from puente_sandbox import CatalogScenario, OrderScenario, rut
from puente_sandbox.order_models import STORE_TZ, parse_timestamp

EDGE = ("zero_value", "partial_zero", "unlinked_sku", "serial", "no_stock")
STATUSES = ("paid", "pending_payment", "canceled", "abandoned")


def lines(scenario: OrderScenario, order_id: int) -> list[dict]:
    return scenario.order(order_id)["products"]


def test_same_seed_same_orders_other_seed_other_orders(catalog_scenario: CatalogScenario) -> None:
    a = OrderScenario.generate(catalog_scenario, 200, seed=7)
    assert a == OrderScenario.generate(catalog_scenario, 200, seed=7)
    assert OrderScenario.generate(catalog_scenario, 200, seed=8).orders != a.orders


def test_ids_dates_and_clock(order_scenario: OrderScenario) -> None:
    s = order_scenario
    assert s.order_ids == list(range(1001, 1201))
    created = [parse_timestamp(o.fields["created_at"]) for o in s.orders]
    assert created == sorted(created)
    first_day = datetime(2024, 5, 2, tzinfo=STORE_TZ)
    assert first_day <= created[0] and created[-1] < first_day + timedelta(days=30)
    assert all(o.fields["created_at"].endswith(" UTC") for o in s.orders)
    assert s.now == datetime(2024, 6, 1, 10, tzinfo=STORE_TZ).astimezone(UTC)
    # some orders are late evening in Santiago, i.e. already the next day in UTC
    assert any(o.local_date != o.created.date() for o in s.orders)


def test_categories_partition_and_statuses(order_scenario: OrderScenario) -> None:
    s = order_scenario
    by_status = [set(getattr(s, name)) for name in STATUSES]
    assert set().union(*by_status) == set(s.order_ids) and sum(map(len, by_status)) == 200
    for name in (*STATUSES, *EDGE, "plain", "factura", "boleta", "with_shipping", "fulfilled"):
        assert getattr(s, name), f"{name} must not be empty"
    paid_parts = [set(s.plain), *(set(getattr(s, kind)) for kind in EDGE)]
    assert set().union(*paid_parts) == set(s.paid) and sum(map(len, paid_parts)) == len(s.paid)
    assert len(s.plain) > len(s.paid) // 2
    assert set(s.factura) <= set(s.plain) and set(s.boleta) == set(s.paid) - set(s.factura)
    assert s.invoiceable == sorted(s.plain + s.partial_zero)
    assert set(s.with_shipping) | set(s.fulfilled) <= set(s.plain)
    for order in s.orders:
        status = order.fields["status_enum"]
        assert order.id in getattr(s, status)
        assert order.fields["status"] == order.fields["status_name"]
        assert (order.fields["completed_at"] is not None) == (status == "paid")


def test_factura_and_boleta_billing(order_scenario: OrderScenario) -> None:
    s = order_scenario
    styles = set()
    for order_id in s.factura:
        order = s.order(order_id)
        taxid = order["billing_address"]["taxid"]
        assert rut.normalize(taxid) is not None, taxid
        styles.add("." in taxid)
        info = order["billing_information"]
        assert info["company_name"] and info["business_activity"]
    assert styles == {True, False}  # typed dotted and plain
    for order_id in s.boleta:
        assert s.order(order_id)["billing_address"]["taxid"] is None
        assert s.order(order_id)["billing_information"] is None


def test_edge_case_lines(order_scenario: OrderScenario, catalog_scenario: CatalogScenario) -> None:
    s, c = order_scenario, catalog_scenario
    variants = {v.code: v for v in c.bsale.variants}
    assert all(all(p["price"] == 0 for p in lines(s, i)) for i in s.zero_value)
    for order_id in s.partial_zero:
        prices = [p["price"] for p in lines(s, order_id)]
        assert 0 in prices and any(p > 0 for p in prices)
    for order_id in s.unlinked_sku:
        assert any(p["sku"] in c.jumpseller_only_skus and p["sku"] not in variants for p in lines(s, order_id))
    for order_id in s.serial:
        assert any(variants[p["sku"]].serial_number for p in lines(s, order_id) if p["sku"] in variants)
    for order_id in s.no_stock:
        short = [
            p
            for p in lines(s, order_id)
            if p["qty"] > c.bsale_available(p["sku"])
            and not variants[p["sku"]].unlimited_stock
            and not variants[p["sku"]].allow_negative_stock
        ]
        assert short, order_id
    assert set(s.bsale_errors) == set(s.unlinked_sku + s.serial + s.no_stock)
    assert {"invalid variant", "Use 'comment' to especify the serie of detailid to dispatch."} < set(
        s.bsale_errors.values()
    )


def test_invoiceable_demand_fits_the_sync_office(
    order_scenario: OrderScenario, catalog_scenario: CatalogScenario
) -> None:
    s, c = order_scenario, catalog_scenario
    variants = {v.code: v for v in c.bsale.variants}
    products = {p.id: p for p in c.bsale.products}
    # every line of every order that is meant to succeed, zero-priced ones too (discount-100 style)
    units: dict[str, int] = {}
    for order in s.orders:
        if order.id not in s.bsale_errors:
            for line in order.fields["products"]:
                units[line["sku"]] = units.get(line["sku"], 0) + line["qty"]
    assert s.demand() and set(s.demand()) <= set(units)
    for sku, wanted in units.items():
        variant = variants[sku]
        assert variant.state == 0 and not variant.serial_number
        assert products[variant.product_id].classification != 3
        if not (variant.unlimited_stock or variant.allow_negative_stock):
            assert wanted <= c.bsale_available(sku, s.office_id), sku


def test_money_is_gross_with_iva_inside(order_scenario: OrderScenario) -> None:
    for order in order_scenario.orders:
        f = order.fields
        subtotal = sum(p["price"] * p["qty"] for p in f["products"])
        assert f["subtotal"] == subtotal and f["currency"] == "CLP"
        assert f["total"] == subtotal + f["shipping"] - f["discount"]
        assert f["tax"] == round(subtotal - subtotal / 1.19)
        assert all(t["tax_on_product_price"] for p in f["products"] for t in p["taxes"])
    for order_id in order_scenario.with_shipping:
        order = order_scenario.order(order_id)
        assert order["shipping"] > 0 and order["shipping_option"] == "delivery"


def test_small_scenarios_keep_every_category_and_tiny_ones_are_refused(catalog_scenario: CatalogScenario) -> None:
    small = OrderScenario.generate(catalog_scenario, 20, seed=1)
    assert small.factura and small.with_shipping and small.no_stock and small.pending_payment
    with pytest.raises(ValueError):
        OrderScenario.generate(catalog_scenario, 10)
    with pytest.raises(ValueError, match="too little stock"):
        OrderScenario.generate(CatalogScenario.generate(1, seed=0), 20)


def test_5000_orders_generate() -> None:
    """The counts only: the CPU time (target < 2 s) is measured in bench/micro.py."""
    catalog = CatalogScenario.generate(n_skus=2_000, seed=3)
    scenario = OrderScenario.generate(catalog, 5_000, seed=3)
    assert len(scenario.orders) == 5_000 and len(scenario.plain) > 3_500
