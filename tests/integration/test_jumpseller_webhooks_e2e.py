"""Jumpseller webhooks end to end: hooks registered with ``puente webhooks register`` in the Jumpseller
sandbox, the sandbox delivering signed events over real HTTP to Puente's webhook route (the plugin's
FastAPI app under uvicorn, mounted at /puente as the Airflow plugin mounts it), and the runs the
route plans, run as real DAG runs against the Bsale and Jumpseller sandboxes: a paid order is
invoiced once, a manual stock edit in the store is reverted from the ERP.

The route's trigger is recorded here instead of reaching an Airflow api-server (the durable inbox
that will consume ``Planned`` is another piece of work); each recorded run is then run with
``dag.test`` and exactly the conf the route planned.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from dag_runs import bsale_connection, jumpseller_connection, run
from fastapi import FastAPI

from puente.cli import main
from puente.state.store import StateStore
from puente.web.app import URL_PREFIX, create_app
from puente_sandbox.credentials import DEFAULT_HOOKS_TOKEN, DEFAULT_LOGIN
from puente_sandbox.server import ServerThread

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_hooks
name: Hooked Store
country: CL
timezone: America/Santiago
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 0, claim_lease_minutes: 0}}
"""
EDGES = ("zero_value", "partial_zero", "unlinked_sku", "serial", "no_stock")


def _wait(predicate, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def puente_route():
    """Puente's webhook app on loopback; ``planned`` is every run it asked for, in order."""
    planned: list[tuple[str, str, dict]] = []

    def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
        if any(run_id == seen for _, seen, _ in planned):
            return False
        planned.append((dag_id, run_id, conf))
        return True

    outer = FastAPI()
    outer.mount(URL_PREFIX, create_app(trigger=trigger))
    server = ServerThread(outer)
    base_url = server.start()
    try:
        yield base_url, planned
    finally:
        server.stop()


def test_events_from_the_store_start_the_runs_that_fix_them(
        tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario, order_scenario, puente_route, capsys):
    base_url, planned = puente_route
    store = jumpseller_connection(jumpseller_sandbox) | {
        "extra": {"hooks_token": DEFAULT_HOOKS_TOKEN, "store_code": DEFAULT_LOGIN}}
    dags = tenant_from("it_hooks", TENANT.format(office=catalog_scenario.sync_office_id,
                                                 price_list=catalog_scenario.sync_price_list_id),
                       {"it_bsale": bsale_connection(bsale_sandbox), "it_jumpseller": store})
    assert run(dags["catalog_sync"]) == "success"  # links the SKUs, as the hourly sync does

    assert main(["webhooks", "register", "it_hooks", "--base-url", base_url]) == 0
    assert main(["webhooks", "register", "it_hooks", "--base-url", base_url]) == 0  # idempotent
    assert "already registered" in capsys.readouterr().err
    hooks = jumpseller_sandbox.inspect_get("/_sandbox/hooks")["hooks"]
    assert sorted(h["event"] for h in hooks) == ["order_paid", "product_stock_updated", "product_updated"]

    # A shopper pays an order: Jumpseller delivers order_paid; Puente plans that order's invoicing.
    edge = {i for kind in EDGES for i in getattr(order_scenario, kind)}
    order_id = next(i for i in order_scenario.pending_payment if i not in edge)
    jumpseller_sandbox.inspect_put(f"/_sandbox/orders/{order_id}", {"status_enum": "paid"})
    dag_id, run_id, conf = _wait(lambda: next((p for p in planned if "invoicing" in p[0]), None))
    assert (dag_id, run_id, conf) == ("it_hooks__invoicing", f"webhook__jumpseller__order_paid__{order_id}",
                                      {"order_ids": [str(order_id)]})
    assert run(dags["invoicing"], **conf) == "success"
    documents = Counter(doc["salesId"] for doc in bsale_sandbox.inspect_get("/_sandbox/documents"))
    assert documents == Counter({f"JS-{order_id}": 1})

    # The merchant edits a listing's stock by hand: the event's sync pushes the ERP's stock back.
    linked = {(row["product_id"], row["variant_id"] or None): row["sku"]
              for row in StateStore().links("it_hooks", "it_jumpseller") if row["status"] == "linked"}
    listing = next(row for row in jumpseller_sandbox.inspect_get("/_sandbox/listings") if not row["stock_unlimited"]
                   and (str(row["product_id"]), row["variant_id"] and str(row["variant_id"])) in linked)
    erp_sku = linked[(str(listing["product_id"]), listing["variant_id"] and str(listing["variant_id"]))]
    synced_stock = listing["stock"]
    jumpseller_sandbox.inspect_post("/_sandbox/listings/edit", {"sku": listing["sku"], "stock": synced_stock + 7})
    dag_id, run_id, conf = _wait(lambda: next((p for p in planned if p[0].endswith("catalog_sync")
                                               and p[1].startswith("webhook__jumpseller__product_stock")), None))
    assert run_id.startswith(f"webhook__jumpseller__product_stock_updated__{listing['product_id']}__")
    assert erp_sku in conf["skus"]
    assert run(dags["catalog_sync"], **conf) == "success"
    now = next(row for row in jumpseller_sandbox.inspect_get("/_sandbox/listings") if row["sku"] == listing["sku"])
    assert now["stock"] == synced_stock

    deliveries = _wait(lambda: (found := jumpseller_sandbox.inspect_get("/_sandbox/hooks/deliveries"))
                       and all(d["state"] != "pending" for d in found) and found)
    assert {d["state"] for d in deliveries} == {"delivered"}
    assert all(a["status"] == 200 for d in deliveries for a in d["attempts"])
