"""Exactly once under chaos, and small XCom at volume, on real DAG runs.

Chaos: 5xx, "committed but the response was lost", 429s, and the invoice task dying right after
Bsale committed a document but before the ledger recorded it. After Airflow's retries and one
more run, every eligible order has exactly one document: no duplicate, none lost.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from chaos import dying_sinks, run_through_faults
from dag_runs import (
    BOTH_STATE_BACKENDS,
    bsale_connection,
    jumpseller_connection,
    ledger_by_order,
    run,
    run_invoicing,
    window,
)

from puente_sandbox.stack import start_invoicing_sandboxes

pytestmark = pytest.mark.integration

TENANT = """
tenant: {tenant}
name: Chaos Store
country: CL
erp: {{vendor: bsale, conn_id: {tenant}_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: {tenant}_js}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 3, retry_delay_seconds: 0, chunk_size: {chunk}, claim_lease_minutes: 0,
              attach_documents: {attach}}}
"""


def tenant_dags(tenant_from, tenant, sandboxes, *, chunk, attach=True):
    catalog = sandboxes.scenario
    text = TENANT.format(tenant=tenant, office=catalog.sync_office_id, price_list=catalog.sync_price_list_id,
                         chunk=chunk, attach=str(attach).lower())
    return tenant_from(tenant, text, {f"{tenant}_bsale": bsale_connection(sandboxes.bsale),
                                      f"{tenant}_js": jumpseller_connection(sandboxes.jumpseller)})


@BOTH_STATE_BACKENDS
def test_exactly_one_document_per_order_under_chaos(tenant_from, monkeypatch):
    kill = dying_sinks(monkeypatch)
    faults = {"rate_5xx": 0.10, "lost_response_rate": 0.05, "rate_429": 0.05, "seed": 11}
    with start_invoicing_sandboxes(n_orders=500, with_facto=False) as sandboxes:
        dags = tenant_dags(tenant_from, "chaos", sandboxes, chunk=40)
        orders = sandboxes.orders
        assert run(dags["catalog_sync"]) == "success"
        run_through_faults(dags["invoicing"], window(orders), faults, sandboxes.bsale, sandboxes.jumpseller)
        run_invoicing(dags["invoicing"], "chaos", **window(orders))  # red iff orders wait for a person

        assert kill["killed"], "the simulated kill must have happened"
        bsale_counters = sandboxes.bsale.counters()["faults_injected"]
        assert bsale_counters["5xx"] > 0 and bsale_counters["lost_response"] > 0 and bsale_counters["429"] > 0
        documents = Counter(doc["salesId"] for doc in sandboxes.bsale.inspect_get("/_sandbox/documents"))
        expected = {f"JS-{order_id}" for order_id in orders.invoiceable}
        assert set(documents) == expected  # none lost, none extra
        assert set(documents.values()) == {1}  # no duplicates
        ledger = ledger_by_order("chaos")
        assert {i for i, row in ledger.items() if row["status"] == "invoiced"} == set(orders.invoiceable)
        assert all(row["attached"] for row in ledger.values() if row["status"] == "invoiced")
        attached = Counter(doc["order_id"] for doc in sandboxes.jumpseller.inspect_get("/_sandbox/orders/documents"))
        assert set(attached) == set(orders.invoiceable) and set(attached.values()) == {1}


def xcom_bytes(dag_id: str) -> int:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        values = session.scalars(select(XComModel.value).where(XComModel.dag_id == dag_id)).all()
    return sum(len(json.dumps(value).encode()) for value in values)


def test_xcom_for_a_5000_order_run_stays_under_256_kb(tenant_from):
    with start_invoicing_sandboxes(n_orders=5000, n_products=300, with_facto=False) as sandboxes:
        dags = tenant_dags(tenant_from, "volume", sandboxes, chunk=50, attach=False)
        assert run(dags["catalog_sync"]) == "success"
        run_invoicing(dags["invoicing"], "volume", **window(sandboxes.orders))  # red iff orders wait for a person
        invoiced = [row for row in ledger_by_order("volume").values() if row["status"] == "invoiced"]
        assert len(invoiced) == len(sandboxes.orders.invoiceable) > 3000
        size = xcom_bytes("volume__invoicing")
        assert 0 < size < 256 * 1024, size
