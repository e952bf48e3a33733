"""AstrosellingCatalogTarget against the sandbox: one listing per SKU over every channel, writes fanned
out only to the channels that differ, ``catalog_channels``, targeted reads, variations, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from puente.connectors import registry
from puente.rules.catalog import SOURCE_COLUMNS, CatalogOptions, plan_catalog
from puente.vendors.astroselling.catalog_target import AstrosellingCatalogTarget
from puente.vendors.astroselling.hook import AstrosellingHook
from puente.vendors.astroselling.settings import AstrosellingSettings
from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data, run_astroselling_sandbox
from puente_sandbox.astroselling.seed import CHANNELS
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.handle import SandboxHandle

CHANNEL_IDS = [c[0] for c in CHANNELS]
ML, FALABELLA = CHANNEL_IDS[0], CHANNEL_IDS[1]
SKUS = [f"SKU-{i:04d}" for i in range(1, 9)]


class FastAstro(AstrosellingHook):
    backoff_base = 0.01
    backoff_max = 0.02
    page_size = 3


@pytest.fixture
def astro() -> Iterator[SandboxHandle]:
    with run_astroselling_sandbox(generate_astroselling_data(skus=SKUS, n_orders=0), rate_limits=None) as handle:
        yield handle


def target_for(set_conn, limiter, astro: SandboxHandle, **options: Any) -> AstrosellingCatalogTarget:
    set_conn("astro_cat", conn_type="astroselling", host=astro.url(API_PREFIX), password=DEFAULT_ASTROSELLING_TOKEN,
             extra={"rate_limit_per_minute": 0})  # fmt: skip
    settings = AstrosellingSettings(vendor="astroselling", conn_id="astro_cat", **options)
    return AstrosellingCatalogTarget(settings, hook=FastAstro("astro_cat", limiter=limiter))


def erp(stock: int = 7, price: int = 45000) -> pd.DataFrame:
    rows = [(sku, f"erp-{sku}", stock, False, price / 1.19, price, None) for sku in SKUS]
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS)


def shown(astro: SandboxHandle) -> dict[tuple[int, str], tuple[int, float]]:
    return {(int(channel), p["sku"]): (p["stock"], p["price"])
            for channel, products in astro.inspect_get("products").items() for p in products}  # fmt: skip


def sync(target: AstrosellingCatalogTarget, source: pd.DataFrame, **options: Any) -> list[dict]:
    plan = plan_catalog(source, target.read_listings(options.pop("skus", None)), CatalogOptions(**options))
    for update in plan.updates:
        target.apply_update(update)
    return plan.updates


def puts(astro: SandboxHandle) -> list[dict]:
    return [w for w in astro.writes() if w["method"] == "PUT"]


def test_one_listing_per_sku_and_disagreeing_channels_are_written(astro, set_conn, limiter) -> None:
    before = shown(astro)
    for channel in CHANNEL_IDS:  # SKU-0001 already agrees everywhere it is listed
        if (channel, "SKU-0001") in before:
            astro.store.products[channel]["SKU-0001"].update(stock=7, price=45000)
    target = target_for(set_conn, limiter, astro)
    listings = target.read_listings()
    assert sorted(listings["sku"]) == SKUS  # one row per SKU, not one per channel
    first = listings.set_index("sku").loc["SKU-0001"]
    assert (first["stock"], first["price"]) == (7, Decimal(45000))
    updates = sync(target, erp())
    assert "SKU-0001" not in {u["sku"] for u in updates}
    after = shown(astro)
    assert set(after) == set(before)  # no product created or removed
    assert all(value == (7, 45000) for value in after.values())
    assert all(isinstance(w["body"]["price"], int) for w in puts(astro) if "price" in w["body"])  # whole pesos
    assert sync(target_for(set_conn, limiter, astro), erp()) == []  # steady state: nothing more to write


def test_only_the_channels_that_differ_get_a_write(astro, set_conn, limiter) -> None:
    sync(target_for(set_conn, limiter, astro), erp())
    astro.reset_counters()
    astro.store.products[FALABELLA]["SKU-0002"]["stock"] = 99  # a person edited one channel
    written = len(puts(astro))
    updates = sync(target_for(set_conn, limiter, astro), erp())
    assert [(u["sku"], u.get("stock")) for u in updates] == [("SKU-0002", 7)]
    new = puts(astro)[written:]
    assert [(w["path"], w["body"]) for w in new] == [
        (f"{API_PREFIX}/channels/{FALABELLA}/products/SKU-0002", {"stock": 7})]
    assert shown(astro)[(FALABELLA, "SKU-0002")] == (7, 45000)


def test_catalog_channels_limit_the_writes(astro, set_conn, limiter) -> None:
    before = shown(astro)
    sync(target_for(set_conn, limiter, astro, catalog_channels=["mercadolibre", FALABELLA]), erp(stock=3))
    after = shown(astro)
    for (channel, sku), value in after.items():
        if channel in (ML, FALABELLA):
            assert value == (3, 45000)
        else:
            assert value == before[(channel, sku)]  # Shopify and Dafiti untouched
    assert AstrosellingSettings(vendor="astroselling", conn_id="a").catalog_channels == []


def test_a_targeted_run_reads_by_sku_and_tolerates_missing_channels(astro, set_conn, limiter) -> None:
    missing = next(sku for sku in SKUS if sku not in astro.store.products[FALABELLA])
    target = target_for(set_conn, limiter, astro)
    astro.reset_counters()
    updates = sync(target, erp(stock=1), skus={missing})
    routes = astro.counters()["by_route"]
    assert not any(route.endswith("/products") and route.startswith("GET") for route in routes)  # no page walk
    assert [u["sku"] for u in updates] == [missing]
    assert {k: v for k, v in shown(astro).items() if k[1] == missing} == {
        (c, missing): (1, 45000) for c in CHANNEL_IDS if (c, missing) in shown(astro)}


def test_a_variation_is_written_inside_its_parent(astro, set_conn, limiter) -> None:
    astro.store.create_product(ML, {"id_in_erp": "POLO", "sku": "POLO", "title": "Polo", "price": 1, "stock": 0,
                                    "variations": [{"id_in_erp": "POLO-S", "sku": "POLO-S", "price": 30000, "stock": 1},
                                                   {"id_in_erp": "POLO-M", "sku": "POLO-M", "price": 30000,
                                                    "stock": 4}]})  # fmt: skip
    target = target_for(set_conn, limiter, astro, catalog_channels=[ML])
    listings = target.read_listings()
    polo = listings[listings["sku"] == "POLO-S"].iloc[0]
    assert (polo["product_id"], polo["variant_id"], polo["stock"]) == ("POLO", "POLO-S", 1)
    source = pd.DataFrame.from_records([("POLO-S", "e1", 9, False, 26000, 31000, None)], columns=SOURCE_COLUMNS)
    assert [u["sku"] for u in sync(target, source)] == ["POLO-S"]
    variations = {v["sku"]: (v["stock"], v["price"]) for v in astro.store.products[ML]["POLO"]["variations"]}
    assert variations == {"POLO-S": (9, 31000), "POLO-M": (4, 30000)}  # the other variation kept


def test_a_sku_twice_on_one_channel_is_a_conflict_not_a_write(astro, set_conn, limiter) -> None:
    astro.store.create_product(ML, {"id_in_erp": "OLD-0003", "sku": "SKU-0003", "title": "dup", "price": 5, "stock": 5})
    target = target_for(set_conn, limiter, astro)
    plan = plan_catalog(erp(), target.read_listings(), CatalogOptions())
    assert "SKU-0003" in plan.sku_list("conflict")
    assert "SKU-0003" not in {u["sku"] for u in plan.updates}


def test_registered_as_a_catalog_target(set_conn) -> None:
    set_conn("astro_reg", conn_type="astroselling", host="http://127.0.0.1:9", password="x")
    found = registry.catalog_target(AstrosellingSettings(vendor="astroselling", conn_id="astro_reg"))
    assert isinstance(found, AstrosellingCatalogTarget)
    assert "astroselling" in registry.catalog_target_vendors()
