"""Acceptance (issue 14.5): one e-mail when orders start needing a person, none while they stay so,
one "cleared" when they are fixed, through Airflow's SMTP notifier to a real local SMTP server.

Real DAG runs against the Bsale and Jumpseller sandboxes: five paid orders fail because one SKU of
each exists only in Jumpseller; an hourly run later they are still open; the merchant creates those
SKUs in Bsale, catalog sync links them, and invoicing them again clears the incident.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from dag_runs import bsale_connection, bsale_jumpseller_tenant, jumpseller_connection, run
from dag_runs import ledger_by_order as ledger_of
from test_invoicing_retry_errors import unlinked_lines

from puente.state.incidents import Incidents
from puente.state.store import StateStore
from smtp_inbox import start_inbox

pytestmark = pytest.mark.integration

TENANT_ID = "it_notify"
ADDRESS = "ops@notify.example"
FLOWS = """  catalog_sync: {retries: 0}
  invoicing: {enabled: true, retries: 0, chunk_size: 25, claim_lease_minutes: 0}
"""
NOTIFY = f"notify: {{email: [{ADDRESS}], smtp_conn_id: it_smtp}}\n"


def tenant_text(office, price_list) -> str:
    return bsale_jumpseller_tenant(TENANT_ID, "Notify Store", office=office, price_list=price_list, flows=FLOWS,
                                   extra=NOTIFY)


@pytest.fixture
def inbox():
    found, controller = start_inbox()
    yield found
    controller.stop()


def notify_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario, inbox):
    """The tenant's (catalog_sync, invoicing) DAGs, wired to this test's sandboxes and SMTP server."""
    text = tenant_text(catalog_scenario.sync_office_id, catalog_scenario.sync_price_list_id)
    dags = tenant_from(TENANT_ID, text, {"it_bsale": bsale_connection(bsale_sandbox),
                                         "it_jumpseller": jumpseller_connection(jumpseller_sandbox),
                                         "it_smtp": inbox.connection()})
    return dags["catalog_sync"], dags["invoicing"]


def five_failing_orders(order_scenario, catalog_scenario) -> dict[int, dict]:
    """Five paid orders whose one Jumpseller-only line is the whole problem ({order id: that line})."""
    paid = set(order_scenario.paid)
    chosen: dict[int, dict] = {}
    for order_id in order_scenario.unlinked_sku:
        lines = unlinked_lines(order_scenario, catalog_scenario, order_id)
        if order_id in paid and len(lines) == 1:
            chosen[order_id] = lines[0]
    assert len(chosen) >= 5, "the scenario has fewer than five orders failing on one unlinked SKU"
    return dict(sorted(chosen.items())[:5])


def test_five_failed_orders_send_one_mail_then_none_then_one_cleared(
    tenant_from, inbox, bsale_sandbox, jumpseller_sandbox, catalog_scenario, order_scenario
):
    catalog, invoicing = notify_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario, inbox)
    failing = five_failing_orders(order_scenario, catalog_scenario)
    ids = [str(order_id) for order_id in failing]
    assert run(catalog) == "success"
    assert inbox.messages == []  # a healthy catalog run says nothing

    assert run(invoicing, order_ids=ids) == "failed"  # red: five orders wait for a person (needs_attention)
    ledger = ledger_of(TENANT_ID)
    assert Counter(ledger[int(i)]["category"] for i in ids) == {"unlinked_sku": 5}
    assert len(inbox.messages) == 1 and inbox.recipients == [[ADDRESS]]
    subject, body = inbox.subjects()[0], inbox.body(0)
    assert "Notify Store" in subject and "orders need a person (5)" in subject
    assert "[unlinked_sku] product not synced" in body  # each order's reason, as the ledger keeps it
    assert f"/puente/api/attention?tenant={TENANT_ID}" in body
    assert all(str(order_id) in body for order_id in failing)
    assert bsale_connection(bsale_sandbox)["password"] not in body  # no secret in the mail

    # the next hourly run (order_ids=[]: dag.test() would keep the last run's): the same five still open
    assert run(invoicing, order_ids=[]) == "success"
    assert len(inbox.messages) == 1

    missing = {line["sku"]: line for line in failing.values()}  # orders may share a SKU
    for sku, line in missing.items():  # the merchant creates the missing products in Bsale
        bsale_sandbox.inspect_post("/_sandbox/variants", {
            "sku": sku, "name": line["name"], "office_id": catalog_scenario.sync_office_id,
            "available": 10 * len(failing), "net": 1000,
        })
    assert run(catalog) == "success"
    assert run(invoicing, order_ids=ids) == "success"
    assert {ledger_of(TENANT_ID)[int(i)]["status"] for i in ids} == {"invoiced"}
    assert len(inbox.messages) == 2
    assert "cleared" in inbox.subjects()[1] and "orders need a person" in inbox.subjects()[1]
    [row] = [r for r in Incidents(StateStore()).rows(TENANT_ID) if r["kind"] == "orders_need_person"]
    assert row["status"] == "cleared" and row["notice"] is None

    assert run(invoicing, order_ids=[]) == "success"  # and nothing more
    assert len(inbox.messages) == 2


def test_a_broken_tenant_file_mails_its_recipients_once_and_its_fix_clears(
    tmp_path, monkeypatch, tenant_from, dag_state_url, bsale_sandbox, jumpseller_sandbox, catalog_scenario, inbox
):
    from puente.factory import register_dags

    broken = tenant_text("not-a-number", 1)
    (tmp_path / f"{TENANT_ID}.yaml").write_text(broken)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv("PUENTE_STATE_URL", dag_state_url)
    monkeypatch.setenv("AIRFLOW_CONN_IT_SMTP", json.dumps(inbox.connection()))
    namespace: dict = {}
    register_dags(namespace)
    [config_error] = [dag for dag_id, dag in namespace.items() if dag_id.startswith("config_error__")]
    assert run(config_error) == "failed"  # the placeholder still fails with the validation message
    assert run(config_error) == "failed"
    assert len(inbox.messages) == 1 and inbox.recipients == [[ADDRESS]]
    assert "invalid tenant file" in inbox.subjects()[0] and "office_id" in inbox.body(0)

    _, invoicing = notify_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario, inbox)
    assert run(invoicing) == "success"  # the file is fixed: its first real run clears the incident
    assert len(inbox.messages) == 2 and "cleared: invalid tenant file" in inbox.subjects()[1]


def test_a_store_that_stays_down_mails_one_outage_and_its_recovery_one_cleared(
    tenant_from, inbox, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    catalog, _ = notify_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario, inbox)
    jumpseller_sandbox.set_faults(rate_5xx=1.0, seed=1)  # every Jumpseller answer is a 5xx
    assert run(catalog) == "failed"
    assert run(catalog) == "failed"
    assert len(inbox.messages) == 1
    assert "vendor unreachable" in inbox.subjects()[0] and "catalog_sync/it_jumpseller" in inbox.subjects()[0]
    assert f"/puente/api/tenants/{TENANT_ID}/health" in inbox.body(0)
    jumpseller_sandbox.clear_faults()
    assert run(catalog) == "success"
    assert len(inbox.messages) == 2 and "cleared: vendor unreachable" in inbox.subjects()[1]
