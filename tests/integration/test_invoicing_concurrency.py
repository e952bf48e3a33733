"""A chunk's orders really overlap, and their documents are attached before the attach task runs.

With sandbox latency on every call, one order at a time would take at least calls x latency per
chunk; ``concurrency`` workers (plus the attach pool) must take well under half of that. The
final attach task then finds nothing left to do: every document was attached by the invoice tasks.
"""

from __future__ import annotations

from collections import Counter

import pytest
from dag_runs import bsale_connection, jumpseller_connection, ledger_by_order, run, window

from puente.operators.invoicing_finish import AttachDocumentsOperator
from puente_sandbox.stack import start_invoicing_sandboxes

pytestmark = pytest.mark.integration

LATENCY_MS = 150
TENANT = """
tenant: conc
name: Concurrent Store
country: CL
erp: {{vendor: bsale, conn_id: conc_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: conc_js}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 0, chunk_size: 15, concurrency: 4, claim_lease_minutes: 0}}
"""


def test_orders_of_a_chunk_overlap_and_are_attached_while_invoicing(tenant_from, monkeypatch):
    seen_by_attach_task: dict[str, int] = {}
    real_execute = AttachDocumentsOperator.execute

    def spying_execute(self, context):
        rows = [row for row in ledger_by_order("conc").values() if row["status"] == "invoiced"]
        seen_by_attach_task.update(invoiced=len(rows), attached=sum(1 for row in rows if row["attached"]))
        return real_execute(self, context)

    monkeypatch.setattr(AttachDocumentsOperator, "execute", spying_execute)
    with start_invoicing_sandboxes(n_orders=80, with_facto=False) as sandboxes:
        catalog = sandboxes.scenario
        text = TENANT.format(office=catalog.sync_office_id, price_list=catalog.sync_price_list_id)
        dags = tenant_from("conc", text, {"conc_bsale": bsale_connection(sandboxes.bsale),
                                          "conc_js": jumpseller_connection(sandboxes.jumpseller)})
        assert run(dags["catalog_sync"]) == "success"
        for box in (sandboxes.bsale, sandboxes.jumpseller):
            box.set_faults(latency_ms=LATENCY_MS)

        dag_run = dags["invoicing"].test(run_conf=window(sandboxes.orders))
        not_green = {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances() if str(ti.state) != "success"}
        assert not_green in ({}, {"needs_attention": "failed", "watcher": "skipped"})  # red only for a person's orders

        invoice_tis = [ti for ti in dag_run.get_task_instances() if ti.task_id.startswith("invoice__")]
        assert len(invoice_tis) >= 3
        invoice_seconds = sum((ti.end_date - ti.start_date).total_seconds() for ti in invoice_tis)
        documents = Counter(doc["salesId"] for doc in sandboxes.bsale.inspect_get("/_sandbox/documents"))
        attached = Counter(doc["order_id"] for doc in sandboxes.jumpseller.inspect_get("/_sandbox/orders/documents"))
        one_at_a_time = (sum(documents.values()) + sum(attached.values())) * LATENCY_MS / 1000
        assert invoice_seconds < 0.5 * one_at_a_time, (invoice_seconds, one_at_a_time)

        assert set(documents) == {f"JS-{order_id}" for order_id in sandboxes.orders.invoiceable}
        assert set(documents.values()) == {1}
        assert set(attached) == set(sandboxes.orders.invoiceable) and set(attached.values()) == {1}
        assert seen_by_attach_task["invoiced"] == len(sandboxes.orders.invoiceable)
        assert seen_by_attach_task["attached"] == seen_by_attach_task["invoiced"]  # nothing left for it
        assert all(row["attach_attempts"] == 1 for row in ledger_by_order("conc").values() if row["attached"])
