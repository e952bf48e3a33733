"""Real DAG runs (``dag.test()``) of a tenant's catalog sync against both sandboxes on loopback.

Expectations are computed here from the Bsale sandbox's own snapshot with the seed article's
rules, independently of the code under test.
"""

from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from pathlib import Path

import pytest
from dag_runs import BOTH_STATE_BACKENDS

from puente.factory import register_dags
from puente.state.store import StateStore
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

SECRETS = (DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN)

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_store
name: Integration Store
country: CL
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0, presale: {presale}}}
"""


@pytest.fixture
def tenant_dag(tmp_path, monkeypatch, airflow_db, bsale_sandbox, jumpseller_sandbox, catalog_scenario, dag_state_url):
    """Build the tenant's DAG from a tenant file pointing at the two running sandboxes."""

    def build(presale: bool = False, flow: str = "catalog_sync"):
        (tmp_path / "it_store.yaml").write_text(TENANT.format(
            office=catalog_scenario.sync_office_id, price_list=catalog_scenario.sync_price_list_id, presale=presale))
        monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
        monkeypatch.setenv("PUENTE_STATE_URL", dag_state_url)
        monkeypatch.setenv("AIRFLOW_CONN_IT_BSALE", json.dumps(
            {"conn_type": "bsale", "host": bsale_sandbox.base_url, "password": DEFAULT_ACCESS_TOKEN}))
        monkeypatch.setenv("AIRFLOW_CONN_IT_JUMPSELLER", json.dumps(
            {"conn_type": "jumpseller", "host": jumpseller_sandbox.base_url, "login": DEFAULT_LOGIN,
             "password": DEFAULT_AUTHTOKEN}))
        namespace: dict = {}
        register_dags(namespace)
        return namespace[f"it_store__{flow}"]

    return build


def run(dag, **conf):
    dag_run = dag.test(run_conf=conf or None)
    report = StateStore().latest_report("it_store", "catalog_sync")
    return str(getattr(dag_run.state, "value", dag_run.state)), report



def expected_listings(bsale_sandbox, office: int, price_list: int, presale: bool = False) -> dict[str, dict]:
    """The seed's semantics, restated: available stock of the one office, gross price, pre-sale."""
    expected = {}
    for item in bsale_sandbox.inspect_get("/_sandbox/catalog"):
        if item["state"] != 0 or item["classification"] == 3 or item["serial_number"]:
            continue
        available = next((s["available"] for s in item["stocks"] if s["office_id"] == office), 0.0)
        unlimited = presale and bool(item["allow_negative_stock"] or item["unlimited_stock"])
        price = next(p["gross"] for p in item["prices"] if p["price_list_id"] == price_list)
        expected[item["sku"]] = {
            "stock_unlimited": unlimited,
            "stock": None if unlimited else max(0, math.floor(available)),
            "price": Decimal(str(price)),
        }
    return expected


def store_view(jumpseller_sandbox) -> dict[str, dict]:
    return {
        row["sku"]: {"stock_unlimited": row["stock_unlimited"],
                     "stock": None if row["stock_unlimited"] else row["stock"],
                     "price": Decimal(str(row["price"]))}
        for row in jumpseller_sandbox.inspect_get("/_sandbox/listings")
    }


def assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, scenario, presale=False):
    expected = expected_listings(bsale_sandbox, scenario.sync_office_id, scenario.sync_price_list_id, presale)
    shown = store_view(jumpseller_sandbox)
    linked = sorted(set(expected) & set(shown))
    assert len(linked) >= 20
    assert {sku: shown[sku] for sku in linked} == {sku: expected[sku] for sku in linked}


def written_skus(jumpseller_sandbox, since: int, product_sku: dict) -> list[str]:
    writes = [w for w in jumpseller_sandbox.writes()[since:] if w["method"] == "PUT"]
    return sorted(product_sku[w["path"]] for w in writes)


def put_paths(jumpseller_sandbox) -> dict[str, str]:
    """PUT path -> SKU, the way the hook addresses each listing."""
    paths = {}
    for row in jumpseller_sandbox.inspect_get("/_sandbox/listings"):
        if row["variant_id"] is None:
            paths[f"/v1/products/{row['product_id']}.json"] = row["sku"]
        else:
            paths[f"/v1/products/{row['product_id']}/variants/{row['variant_id']}.json"] = row["sku"]
    return paths


@BOTH_STATE_BACKENDS
def test_sync_converges_pushes_only_changes_and_reverts_manual_edits(
    tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    dag = tenant_dag()
    paths = put_paths(jumpseller_sandbox)

    state, report = run(dag)
    assert state == "success", report
    counts = report["counts"]
    assert counts["pushed_stock"] + counts["pushed_price"] > 0
    assert counts["unmatched_source"] == len(
        set(catalog_scenario.bsale_only_skus) - set(catalog_scenario.inactive_skus))
    inactive_in_store = set(catalog_scenario.inactive_skus) & set(catalog_scenario.jumpseller_skus)
    assert counts["unmatched_target"] == len(set(catalog_scenario.jumpseller_only_skus) | inactive_in_store)
    assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, catalog_scenario)
    links = {row["sku"]: row["status"] for row in StateStore().links("it_store")}
    assert all(links[sku] == "unsupported" for sku in set(catalog_scenario.pack_skus) & set(links)
               if sku in catalog_scenario.jumpseller_skus)

    # run 2: nothing changed, nothing written
    before = len(jumpseller_sandbox.writes())
    state, report = run(dag)
    assert state == "success"
    assert (report["counts"]["pushed_stock"], report["counts"]["pushed_price"]) == (0, 0)
    assert len(jumpseller_sandbox.writes()) == before

    # run 3: 3 stock changes and 1 price change in Bsale -> exactly those 4 writes
    linked = sorted(sku for sku, status in links.items() if status == "linked")
    stock_skus, price_sku = linked[:3], linked[5]
    expected = expected_listings(bsale_sandbox, catalog_scenario.sync_office_id, catalog_scenario.sync_price_list_id)
    for offset, sku in enumerate(stock_skus):
        bsale_sandbox.inspect_post("/_sandbox/stock", {"sku": sku, "office_id": catalog_scenario.sync_office_id,
                                                       "available": (expected[sku]["stock"] or 0) + 11 + offset})
    bsale_sandbox.inspect_post(
        "/_sandbox/price",
        {"sku": price_sku, "price_list_id": catalog_scenario.sync_price_list_id,
         "gross": int(expected[price_sku]["price"]) + 1190},
    )
    before = len(jumpseller_sandbox.writes())
    state, report = run(dag)
    assert state == "success"
    assert written_skus(jumpseller_sandbox, before, paths) == sorted([*stock_skus, price_sku])
    assert (report["counts"]["pushed_stock"], report["counts"]["pushed_price"]) == (3, 1)
    assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, catalog_scenario)

    # a merchant edits stock and price in the Jumpseller admin: the next run reverts it
    edited = linked[7]
    jumpseller_sandbox.inspect_post("/_sandbox/listings/edit", {"sku": edited, "stock": 999, "price": 1})
    before = len(jumpseller_sandbox.writes())
    state, report = run(dag)
    assert state == "success"
    assert written_skus(jumpseller_sandbox, before, paths) == [edited]
    assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, catalog_scenario)
    assert StateStore().pushed("it_store", "it_jumpseller")[edited]["stock"] == expected[edited]["stock"]


def test_the_preview_dag_plans_and_reports_but_writes_nothing(tenant_dag, bsale_sandbox, jumpseller_sandbox):
    dag = tenant_dag(flow="preview")
    state, report = run(dag, flow="catalog_sync")
    assert state == "success"
    assert report["dry_run"] is True
    assert report["counts"]["planned_stock"] > 0
    assert jumpseller_sandbox.writes() == []
    store = StateStore()
    assert store.pushed("it_store", "it_jumpseller") == {}
    assert store.links("it_store") == []
    channel_report = store.latest_report("it_store", "catalog_sync/it_jumpseller")
    assert len(channel_report["details"]["planned"]) == report["counts"]["planned_stock"] + sum(
        1 for u in channel_report["details"]["planned"] if "price" in u and "stock" not in u and "unlimited" not in u)


def test_skus_param_limits_the_run_to_those_skus(tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    dag = tenant_dag()
    paths = put_paths(jumpseller_sandbox)
    drifted = [sku for sku in catalog_scenario.drift_skus if sku in set(paths.values())][:2]
    state, _ = run(dag, skus=drifted)
    assert state == "success"
    assert sorted(set(written_skus(jumpseller_sandbox, 0, paths))) == sorted(drifted)


def test_presale_makes_sell_without_stock_variants_unlimited(
    tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    state, _ = run(tenant_dag(presale=True))
    assert state == "success"
    assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, catalog_scenario, presale=True)
    shown = store_view(jumpseller_sandbox)
    presold = set(catalog_scenario.negative_allowed_skus) & set(shown)
    assert presold and all(shown[sku]["stock_unlimited"] for sku in presold)


@BOTH_STATE_BACKENDS
def test_converges_under_faults_within_jumpseller_budgets(
    tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario, capfd
):
    for sandbox in (bsale_sandbox, jumpseller_sandbox):
        sandbox.set_faults(rate_5xx=0.10, rate_429=0.05, seed=3)
    dag = tenant_dag()
    state, report = run(dag)
    assert state == "success", report
    for sandbox in (bsale_sandbox, jumpseller_sandbox):
        sandbox.clear_faults()
    assert_store_matches_bsale(bsale_sandbox, jumpseller_sandbox, catalog_scenario)
    counters = jumpseller_sandbox.counters()
    assert counters["faults_injected"]["5xx"] > 0 and counters["faults_injected"]["429"] > 0
    assert counters["max_requests_in_1s"] <= 20
    assert counters["max_requests_in_60s"] <= 800

    # no credential in anything the task logged
    output = capfd.readouterr()
    logs = output.out + output.err
    for path in Path(os.environ["AIRFLOW_HOME"], "logs").rglob("*"):
        if path.is_file():
            logs += path.read_text(errors="replace")
    assert "Catalog sync" in logs
    for secret in SECRETS:
        assert secret not in logs
