"""Issue 14.7, the dry-run trap, with the exact REST calls the Airflow UI's trigger form makes, against a
real api-server + scheduler + DAG processor (tests/live_airflow.py) and the Bsale and Jumpseller sandboxes.

The form (airflow/ui, ``TriggerDAGForm``): when the DAG is paused and "Unpause <dag> on trigger" is
ticked (the default) it sends ``PATCH /api/v2/dags/<dag>`` ``{"is_paused": false}`` and, without
waiting, ``POST /api/v2/dags/<dag>/dagRuns`` with the conf, ``logical_date`` = now and null data
interval. The incident: the invoicing DAG's dry run, asked that way, unpaused it and the scheduler at
once ran the latest hour for real. The orders here are from the last two days, so any real run of the
invoicing DAG would invoice them (the preview's own count says how many).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from dag_runs import bsale_connection, bsale_jumpseller_tenant, jumpseller_connection

from live_airflow import LiveAirflow, live_airflow
from puente.state.store import StateStore
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.orders_datagen import OrderScenario
from puente_sandbox.stack import run_sandbox

pytestmark = pytest.mark.integration

FLOWS = """  catalog_sync: {enabled: false}
  invoicing: {enabled: true, retries: 0}
"""
INVOICING, PREVIEW = "it_trap__invoicing", "it_trap__preview"


class Stack:
    def __init__(self, airflow: LiveAirflow, bsale, jumpseller, scenario: OrderScenario, state_url: str) -> None:
        self.airflow, self.bsale, self.jumpseller, self.scenario = airflow, bsale, jumpseller, scenario
        self.state_url = state_url

    def documents(self) -> list[dict]:
        return self.bsale.inspect_get("/_sandbox/documents")

    def attached(self) -> list[dict]:
        return self.jumpseller.inspect_get("/_sandbox/orders/documents")

    def trigger_form(self, dag_id: str, conf: dict, *, unpause: bool) -> str:
        """What the UI sends on "Trigger" (unpause first when the box is ticked and the DAG is paused)."""
        if unpause and self.airflow.api("GET", f"/api/v2/dags/{dag_id}").json()["is_paused"]:
            patched = self.airflow.api("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False})
            assert patched.status_code == 200, patched.text
        body = {"conf": conf, "logical_date": datetime.now(UTC).isoformat(), "data_interval_start": None,
                "data_interval_end": None, "partition_key": None}
        posted = self.airflow.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json=body)
        assert posted.status_code == 200, posted.text
        return posted.json()["dag_run_id"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    catalog = CatalogScenario.generate(n_products=40, seed=7)
    start = date.today() - timedelta(days=1)
    scenario = OrderScenario.generate(catalog, n_orders=40, seed=7, start=start, days=2)
    tenants = tmp_path_factory.mktemp("trap_tenants")
    (tenants / "it_trap.yaml").write_text(bsale_jumpseller_tenant(
        "it_trap", "Trap Store", office=catalog.sync_office_id, price_list=catalog.sync_price_list_id, flows=FLOWS,
        bsale="trap_bsale", jumpseller="trap_jumpseller"))
    state_url = f"sqlite:///{tmp_path_factory.mktemp('trap_state') / 'state.db'}"
    with run_sandbox("bsale", catalog, rate_limits=None) as bsale, \
            run_sandbox("jumpseller", scenario, rate_limits=None) as jumpseller:
        env = {"AIRFLOW_CONN_TRAP_BSALE": json.dumps(bsale_connection(bsale)),
               "AIRFLOW_CONN_TRAP_JUMPSELLER": json.dumps(jumpseller_connection(jumpseller))}
        with live_airflow(tenants, state_url, env) as airflow:
            airflow.wait_for_dags(INVOICING, PREVIEW)
            yield Stack(airflow, bsale, jumpseller, scenario, state_url)


def window(scenario: OrderScenario) -> dict:
    return {"date_from": scenario.start.isoformat(),
            "date_to": (scenario.start + timedelta(days=scenario.days - 1)).isoformat()}


def test_a_dry_run_from_the_trigger_form_with_unpause_ticked_creates_nothing(stack):
    airflow = stack.airflow
    assert airflow.api("GET", f"/api/v2/dags/{PREVIEW}").json()["is_paused"] is True
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is True

    run_id = stack.trigger_form(PREVIEW, {"flow": "invoicing", **window(stack.scenario)}, unpause=True)
    assert airflow.wait_for_run(PREVIEW, run_id)["state"] == "success"
    assert airflow.task_states(PREVIEW, run_id) == {
        "invoicing__trap_jumpseller": "success", "invoicing__report": "success"}

    report = StateStore(stack.state_url).latest_report("it_trap", "invoicing")
    assert report["run_id"] == run_id and report["dry_run"] is True
    assert report["counts"]["would_invoice"] > 0  # a real run would have made documents
    time.sleep(15)  # several scheduler loops: unpausing the preview DAG must schedule nothing
    assert [run["dag_run_id"] for run in airflow.runs(PREVIEW)] == [run_id]
    assert airflow.runs(INVOICING) == []
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is True
    assert stack.documents() == [] and stack.attached() == []


def test_unpausing_the_invoicing_dag_invoices_the_latest_hour_at_once(stack):
    """What the README says unpausing an invoicing DAG means (and why dry runs are not asked of it)."""
    airflow = stack.airflow
    patched = airflow.api("PATCH", f"/api/v2/dags/{INVOICING}", json={"is_paused": False})
    assert patched.status_code == 200
    scheduled = airflow.wait("the scheduler's run", lambda: [
        run for run in airflow.runs(INVOICING) if run["run_type"] == "scheduled"], timeout=120)
    assert len(scheduled) == 1
    run = airflow.wait_for_run(INVOICING, scheduled[0]["dag_run_id"])
    assert run["conf"] in ({}, None)  # empty params: whatever a form had asked for
    assert stack.documents()  # real documents, from the unpause alone


def test_a_dry_run_asked_of_the_invoicing_dag_fails_before_any_vendor_call(stack):
    """The DAG is unpaused now (a paused DAG's triggered runs wait queued): the raw conf's dry_run is refused."""
    airflow = stack.airflow
    documents_before, requests_before = len(stack.documents()), stack.jumpseller.counters()["total_requests"]
    runs_before = {run["dag_run_id"] for run in airflow.runs(INVOICING)}
    run_id = stack.trigger_form(INVOICING, {"dry_run": True, **window(stack.scenario)}, unpause=True)
    assert airflow.wait_for_run(INVOICING, run_id)["state"] == "failed"
    states = airflow.task_states(INVOICING, run_id)
    assert states["collect__trap_jumpseller"] == "failed"
    assert states["invoice__trap_jumpseller"] == "upstream_failed"
    log = airflow.api("GET", f"/api/v2/dags/{INVOICING}/dagRuns/{run_id}/taskInstances/collect__trap_jumpseller"
                              "/logs/1", headers={"Accept": "application/json"}).text
    assert "this DAG has no dry run; preview in it_trap__preview" in log
    assert len(stack.documents()) == documents_before
    if {run["dag_run_id"] for run in airflow.runs(INVOICING)} == runs_before | {run_id}:  # no hourly tick came
        assert stack.jumpseller.counters()["total_requests"] == requests_before  # not even a read
