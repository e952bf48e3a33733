"""Real catalog DAG runs with ``import_missing`` against the Bsale and Jumpseller sandboxes.

20 Bsale products the store lacks are created exactly once, also when a third of the creates lose
their answer (the write happens, a 5xx comes back); a second import creates nothing; a normal sync
then finds them linked and pushes nothing more. Expectations come from the scenario's Bsale data
and outcomes from the Jumpseller sandbox's own record (``/_sandbox/products/created``, listings).
"""

from __future__ import annotations

import pytest
from dag_runs import bsale_connection, jumpseller_connection, run

from puente.state.catalog_import import CatalogImportLedger
from puente.state.store import StateStore

pytestmark = pytest.mark.integration

WANTED = 20
TENANT = """
tenant: it_import
name: Import Store
country: CL
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0}}
"""


def listed_skus(jumpseller_sandbox) -> set[str]:
    return {row["sku"] for row in jumpseller_sandbox.inspect_get("/_sandbox/listings")}


def missing_products(scenario, listed: set[str]) -> dict[str, list[str]]:
    """Bsale product id -> the SKUs an import must create (the seed's rules, restated independently)."""
    missing = {}
    for product in scenario.bsale.products:
        active = [v for v in scenario.bsale.variants if v.product_id == product.id and v.state == 0]
        sellable = [v.code for v in active if not v.serial_number]
        if product.classification == 3 or not sellable or any(v.code in listed for v in active):
            continue
        missing[str(product.id)] = sellable
    return missing


def make_erp_only_products(scenario, jumpseller_sandbox) -> dict[str, list[str]]:
    """Delete plain products from the store until exactly WANTED Bsale products are missing there."""
    listed = listed_skus(jumpseller_sandbox)
    missing = missing_products(scenario, listed)
    for product in scenario.bsale.products:
        if len(missing) >= WANTED:
            break
        own = [v for v in scenario.bsale.variants if v.product_id == product.id]
        plain = product.classification != 3 and all(v.state == 0 and not v.serial_number for v in own)
        if plain and all(v.code in listed for v in own):
            jumpseller_sandbox.inspect_post("/_sandbox/products/remove", {"skus": [v.code for v in own]})
            missing = missing_products(scenario, listed_skus(jumpseller_sandbox))
    assert len(missing) == WANTED
    return missing


def created(jumpseller_sandbox) -> dict:
    return jumpseller_sandbox.inspect_get("/_sandbox/products/created")


def test_import_missing_creates_each_erp_product_once_despite_lost_answers_then_sync_links_them(
    tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    missing = make_erp_only_products(catalog_scenario, jumpseller_sandbox)
    dags = tenant_from("it_import", TENANT.format(office=catalog_scenario.sync_office_id,
                                                  price_list=catalog_scenario.sync_price_list_id),
                       {"it_bsale": bsale_connection(bsale_sandbox), "it_jumpseller": jumpseller_connection(
                           jumpseller_sandbox)})
    dag = dags["catalog_sync"]

    # run 1: import under lost answers (creates and the sync's PUTs alike)
    jumpseller_sandbox.set_faults(lost_response_rate=0.35, seed=11)
    assert run(dag, import_missing=True) == "success"
    lost = jumpseller_sandbox.counters()["faults_injected"].get("lost_response", 0)
    jumpseller_sandbox.clear_faults()
    made = created(jumpseller_sandbox)
    assert made["count"] == WANTED  # the store's own record: one create per product, lost answers included
    assert sorted(sorted(p["skus"]) for p in made["products"]) == sorted(sorted(s) for s in missing.values())
    names = {product.name for product in catalog_scenario.bsale.products if str(product.id) in missing}
    assert {p["name"] for p in made["products"]} == names
    rows = CatalogImportLedger(StateStore()).rows("it_import", "it_jumpseller")
    assert set(rows) == set(missing) and {row["status"] for row in rows.values()} == {"created"}
    adopted = [row for row in rows.values() if row["reason"] and "lost" in row["reason"]]
    assert lost > 0 and adopted  # some creates lost their answer and were found by SKU, not re-sent
    links = {row["sku"]: row for row in StateStore().links("it_import", "it_jumpseller")}
    by_sku = {sku: str(p["id"]) for p in made["products"] for sku in p["skus"]}
    assert all(links[sku]["status"] == "linked" and links[sku]["product_id"] == by_sku[sku] for sku in by_sku)

    # run 2: importing again creates nothing
    assert run(dag, import_missing=True) == "success"
    assert created(jumpseller_sandbox)["count"] == WANTED
    report = StateStore().latest_report("it_import", "catalog_import/it_jumpseller")
    assert report["status"] == "success" and "created" not in report["counts"]

    # run 3: a normal sync finds them linked and pushes nothing more (run 2 already converged the rest)
    before = len(jumpseller_sandbox.writes())
    assert run(dag) == "success"
    assert jumpseller_sandbox.writes()[before:] == []
    sync = StateStore().latest_report("it_import", "catalog_sync")
    assert (sync["counts"]["pushed_stock"], sync["counts"]["pushed_price"]) == (0, 0)
    assert sync["counts"]["unmatched_source"] == sum(1 for sku in links if links[sku]["status"] == "source_only")
    assert all(link["status"] == "linked" for sku, link in links.items() if sku in by_sku)
    assert created(jumpseller_sandbox)["count"] == WANTED


def test_import_missing_in_a_dry_run_creates_nothing(tenant_from, bsale_sandbox, jumpseller_sandbox,
                                                     catalog_scenario):
    missing = make_erp_only_products(catalog_scenario, jumpseller_sandbox)
    dags = tenant_from("it_import", TENANT.format(office=catalog_scenario.sync_office_id,
                                                  price_list=catalog_scenario.sync_price_list_id),
                       {"it_bsale": bsale_connection(bsale_sandbox), "it_jumpseller": jumpseller_connection(
                           jumpseller_sandbox)})
    assert run(dags["preview"], flow="catalog_sync", import_missing=True) == "success"
    assert created(jumpseller_sandbox)["count"] == 0 and jumpseller_sandbox.writes() == []
    report = StateStore().latest_report("it_import", "catalog_import/it_jumpseller")
    assert report["dry_run"] and report["counts"]["would_create"] == len(missing)
    assert CatalogImportLedger(StateStore()).rows("it_import", "it_jumpseller") == {}


def test_a_product_the_store_refuses_turns_the_run_red_and_the_others_are_created(
    tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    missing = make_erp_only_products(catalog_scenario, jumpseller_sandbox)
    refused = sorted(missing.values())[0][0]
    bsale_sandbox.inspect_post("/_sandbox/price", {"sku": refused, "price_list_id": catalog_scenario.sync_price_list_id,
                                                   "gross": -500})
    dags = tenant_from("it_import", TENANT.format(office=catalog_scenario.sync_office_id,
                                                  price_list=catalog_scenario.sync_price_list_id),
                       {"it_bsale": bsale_connection(bsale_sandbox), "it_jumpseller": jumpseller_connection(
                           jumpseller_sandbox)})
    assert run(dags["catalog_sync"], import_missing=True) == "failed"
    assert created(jumpseller_sandbox)["count"] == WANTED - 1
    report = StateStore().latest_report("it_import", "catalog_sync")
    assert any("it_jumpseller: import partial" in line for line in report["details"]["failures"])
