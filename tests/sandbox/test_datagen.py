"""The scenario generator: deterministic, coherent across vendors, fast at 20k SKUs."""

from __future__ import annotations

from puente_sandbox.catalog_models import gross_from_net, net_from_gross
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.jumpseller.store import JumpsellerStore


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b = CatalogScenario.generate(40, seed=7), CatalogScenario.generate(40, seed=7)
    assert a == b
    assert CatalogScenario.generate(40, seed=8).bsale != a.bsale


def test_scenario_shape(catalog_scenario: CatalogScenario) -> None:
    s = catalog_scenario
    assert len(s.bsale.products) == 40
    assert {o.id for o in s.bsale.offices} == {1, 2, 3}
    assert {p.id for p in s.bsale.price_lists} == {1, 2}
    per_product: dict[int, int] = {}
    for variant in s.bsale.variants:
        per_product[variant.product_id] = per_product.get(variant.product_id, 0) + 1
    assert set(per_product.values()) <= {1, 2, 3} and len(set(per_product.values())) > 1
    assert len(s.bsale.price_details) == 2 * len(s.bsale.variants)
    assert len(set(s.bsale_skus)) == len(s.bsale_skus)
    for detail in s.bsale.price_details:
        assert detail.variant_value_with_taxes == gross_from_net(detail.variant_value)
    assert any(st.quantity_reserved > 0 for st in s.bsale.stocks)


def test_sku_categories_are_coherent(catalog_scenario: CatalogScenario) -> None:
    s = catalog_scenario
    variants = {v.code: v for v in s.bsale.variants}
    products = {p.id: p for p in s.bsale.products}
    js = set(s.jumpseller_skus)
    for name in ("pack_skus", "serial_skus", "inactive_skus", "unlimited_skus", "negative_allowed_skus"):
        assert getattr(s, name), f"{name} must not be empty"
    assert all(products[variants[sku].product_id].classification == 3 for sku in s.pack_skus)
    assert all(variants[sku].serial_number == 1 for sku in s.serial_skus)
    assert all(variants[sku].state == 1 for sku in s.inactive_skus)
    assert all(variants[sku].unlimited_stock == 1 for sku in s.unlimited_skus)
    assert all(variants[sku].allow_negative_stock == 1 for sku in s.negative_allowed_skus)
    assert all(s.bsale_available(sku) < 0 for sku in s.negative_stock_skus)
    assert all(s.bsale_available(sku) == 0 for sku in s.zero_stock_skus)
    assert len(s.bsale_only_skus) >= 3 and not js & set(s.bsale_only_skus)
    assert len(s.jumpseller_only_skus) >= 3 and not set(variants) & set(s.jumpseller_only_skus)
    assert set(s.jumpseller_only_skus) <= js
    assert set(s.shared_skus) == set(variants) - set(s.bsale_only_skus) == js - set(s.jumpseller_only_skus)
    assert set(s.drift_skus) | set(s.in_sync_skus) == set(s.shared_skus)
    assert not set(s.drift_skus) & set(s.in_sync_skus)
    assert len(s.drift_skus) >= len(s.shared_skus) // 3  # a first sync has real work to do


def test_in_sync_listings_match_bsale_and_drifted_ones_do_not(catalog_scenario: CatalogScenario) -> None:
    s = catalog_scenario
    listings = {row.sku: row.as_dict() for row in JumpsellerStore.from_scenario(s).listings()}
    unlimited = set(s.unlimited_skus)
    for sku in s.shared_skus:
        row = listings[sku]
        synced = (
            row["price"] == s.bsale_gross_price(sku)
            and row["stock_unlimited"] == (sku in unlimited)
            and (row["stock_unlimited"] or row["stock"] == max(0, int(s.bsale_available(sku))))
        )
        assert synced == (sku in s.in_sync_skus), sku


def test_multi_variant_products_become_jumpseller_variants(catalog_scenario: CatalogScenario) -> None:
    s = catalog_scenario
    store = JumpsellerStore.from_scenario(s)
    variant_skus = {row.sku for row in store.listings() if row.variant is not None}
    assert set(s.multi_variant_skus) - set(s.bsale_only_skus) <= variant_skus
    simple = {row.sku for row in store.listings() if row.variant is None}
    assert simple & set(s.shared_skus)


def test_net_gross_round_trip_is_exact() -> None:
    assert gross_from_net(4590) == 5462 and gross_from_net(2000) == 2380  # Bsale docs examples
    assert gross_from_net(50.0) == 60  # half-up, where binary floats would give 59
    assert all(gross_from_net(net_from_gross(g)) == g for g in range(0, 300_000, 7))


def test_twenty_thousand_skus_generate() -> None:
    """The counts only: the CPU time (target < 2 s) is measured in bench/micro.py."""
    scenario = CatalogScenario.generate(n_skus=20_000, seed=3)
    assert len(scenario.bsale_skus) == 20_000
    assert len(scenario.jumpseller_skus) > 18_000


def test_tiny_scenarios_still_work() -> None:
    for n in (1, 2, 5):
        scenario = CatalogScenario.generate(n)
        assert len(scenario.bsale.products) == n
        assert scenario.jumpseller_only_skus
