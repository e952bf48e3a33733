"""Catalog planning per SKU: both mappings + ``plan_catalog``, 20,000 SKUs, 1% changed (target < 10 µs/SKU).

Why: every hourly run re-reads both catalogs and plans in full (the store's values are the diff
base, so manual edits are reverted), so planning must stay cheap next to the HTTP reads. The
frames come from the real connectors' mappers (``to_source_frame`` / ``to_listing_frame``) over
vendor-shaped JSON from the sandboxes' serializers, and the mapping cost is reported separately.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from _util import best_of, emit_result, ratio
from puente.rules.catalog import CatalogOptions, plan_catalog
from puente.vendors.bsale.catalog_source import to_source_frame
from puente.vendors.jumpseller.catalog_target import to_listing_frame
from puente_sandbox.bsale import serializers as bsale_json
from puente_sandbox.catalog_models import net_from_gross
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.jumpseller.serializers import product_fields

TARGET_US = 10.0
BASE = "https://api.bsale.io"


def bsale_dicts(scenario: CatalogScenario) -> tuple[list[dict], list[dict], list[dict]]:
    """What the Bsale hook yields: variants (product expanded), one office's stocks, one list's details."""
    catalog = scenario.bsale
    products = {p.id: bsale_json.product_json(BASE, p) for p in catalog.products}
    variants = [bsale_json.variant_json(BASE, v, products[v.product_id]) for v in catalog.variants]
    office = scenario.sync_office_id
    stocks = [bsale_json.stock_json(BASE, s) for s in catalog.stocks if s.office_id == office]
    details = [
        bsale_json.detail_json(BASE, d)
        for d in catalog.price_details
        if d.price_list_id == scenario.sync_price_list_id
    ]
    return variants, stocks, details


def listing_dicts(scenario: CatalogScenario) -> list[dict]:
    """What the Jumpseller hook yields: unwrapped products with their variants."""
    return [product_fields(p) for p in scenario.jumpseller.products]


def bring_in_step(scenario: CatalogScenario, options: CatalogOptions) -> int:
    """Apply a first sync's writes to the store's data, as a successful first run would."""
    source = to_source_frame(*bsale_dicts(scenario))
    plan = plan_catalog(source, to_listing_frame(listing_dicts(scenario)), options)
    products = {str(p.id): p for p in scenario.jumpseller.products}
    for update in plan.updates:
        product = products[update["product_id"]]
        item: Any = product
        if update["variant_id"]:
            item = next(v for v in product.variants if str(v.id) == update["variant_id"])
        if "unlimited" in update:
            item.stock_unlimited = update["unlimited"]
        if "stock" in update:
            item.stock = update["stock"]
        if "price" in update:
            item.price = float(update["price"])
    return len(plan.updates)


def change_skus(scenario: CatalogScenario, skus: list[str]) -> None:
    """The merchant edits Bsale: even positions get new stock, odd positions a new gross price."""
    catalog = scenario.bsale
    by_code = {v.code: v.id for v in catalog.variants}
    stock_rows = {s.variant_id: s for s in catalog.stocks if s.office_id == scenario.sync_office_id}
    price_list = scenario.sync_price_list_id
    details = {d.variant_id: d for d in catalog.price_details if d.price_list_id == price_list}
    for position, sku in enumerate(skus):
        variant_id = by_code[sku]
        if position % 2 == 0 and variant_id in stock_rows:
            stock_rows[variant_id].quantity += 7
        else:
            detail = details[variant_id]
            detail.variant_value = net_from_gross(detail.variant_value_with_taxes + 1000)


def run(n_skus: int, changed_share: float, runs: int) -> dict[str, Any]:
    options = CatalogOptions()
    scenario = CatalogScenario.generate(n_skus=n_skus, seed=7)
    first_sync_writes = bring_in_step(scenario, options)
    in_step = plan_catalog(
        to_source_frame(*bsale_dicts(scenario)), to_listing_frame(listing_dicts(scenario)), options
    )
    linked = in_step.sku_list("linked")
    step = max(1, len(linked) // max(1, round(n_skus * changed_share)))
    changed = linked[::step][: round(n_skus * changed_share)]
    change_skus(scenario, changed)

    variants, stocks, details = bsale_dicts(scenario)
    products = listing_dicts(scenario)
    map_source_s, _, _ = best_of(lambda: to_source_frame(variants, stocks, details), runs)
    map_listing_s, _, _ = best_of(lambda: to_listing_frame(products), runs)
    source, listings = to_source_frame(variants, stocks, details), to_listing_frame(products)
    plan_s, plan_cpu_s, plan_times = best_of(lambda: plan_catalog(source, listings, options), runs)
    plan = plan_catalog(source, listings, options)
    return {
        "n_skus": n_skus,
        "source_rows": len(source),
        "listing_rows": len(listings),
        "first_sync_writes": first_sync_writes,
        "updates_when_in_step": len(in_step.updates),
        "changed_skus": len(changed),
        "planned_updates": len(plan.updates),
        "plan_best_ms": plan_s * 1000,
        "plan_median_ms": sorted(plan_times)[len(plan_times) // 2] * 1000,
        "plan_us_per_sku": plan_s * 1e6 / n_skus,
        "plan_cpu_us_per_sku": plan_cpu_s * 1e6 / n_skus,
        "load_avg": os.getloadavg(),
        "map_source_us_per_sku": map_source_s * 1e6 / n_skus,
        "map_listing_us_per_sku": map_listing_s * 1e6 / n_skus,
        "end_to_end_us_per_sku": (plan_s + map_source_s + map_listing_s) * 1e6 / n_skus,
        "counts": plan.counts,
    }


def report(result: dict[str, Any]) -> None:
    print(f"catalog plan: {result['n_skus']} Bsale SKUs ({result['source_rows']} active rows), "
          f"{result['listing_rows']} Jumpseller listings; first sync wrote {result['first_sync_writes']}, "
          f"then {result['updates_when_in_step']} updates when in step")
    print(f"changed {result['changed_skus']} SKUs in Bsale -> {result['planned_updates']} planned updates")
    print(f"plan_catalog: best {result['plan_best_ms']:.1f} ms, median {result['plan_median_ms']:.1f} ms, "
          f"{result['plan_us_per_sku']:.2f} µs/SKU -> {ratio(result['plan_us_per_sku'], TARGET_US)}")
    print(f"plan_catalog CPU time: {result['plan_cpu_us_per_sku']:.2f} µs/SKU -> "
          f"{ratio(result['plan_cpu_us_per_sku'], TARGET_US)} (load avg {result['load_avg'][0]:.2f})")
    print(f"mapping: to_source_frame {result['map_source_us_per_sku']:.2f} µs/SKU, "
          f"to_listing_frame {result['map_listing_us_per_sku']:.2f} µs/SKU")
    print(f"end to end (both mappings + plan, the verdict): {result['end_to_end_us_per_sku']:.2f} µs/SKU -> "
          f"{ratio(result['end_to_end_us_per_sku'], TARGET_US)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--changed", type=float, default=0.01, help="share of SKUs changed in Bsale")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    result = run(args.skus, args.changed, args.runs)
    report(result)
    emit_result({"benchmark": "catalog_plan", **result})


if __name__ == "__main__":
    main()
