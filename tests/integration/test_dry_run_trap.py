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
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
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
INVOICING, PREVIEW, WATCH = "it_trap__invoicing", "it_trap__preview", "puente__watch"


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
            airflow.wait_for_dags(INVOICING, PREVIEW, WATCH)
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


def _form_requests_at_once(stack: Stack, dag_id: str, conf: dict, *, patch_first: bool) -> tuple:
    """The form's two requests, as it sends them: the second leaves ~30 ms after the first, neither awaited."""
    body = {"conf": conf, "logical_date": datetime.now(UTC).isoformat(), "data_interval_start": None,
            "data_interval_end": None, "partition_key": None}
    calls = [lambda: stack.airflow.api("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False}),
             lambda: stack.airflow.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json=body)]
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(calls[0] if patch_first else calls[1])
        time.sleep(0.03)
        second = pool.submit(calls[1] if patch_first else calls[0])
        patched, posted = (first.result(), second.result()) if patch_first else (second.result(), first.result())
    return patched, posted


@pytest.mark.parametrize("patch_first", [True, False], ids=["unpause_first", "trigger_first"])
def test_a_dry_run_asked_of_the_paused_invoicing_dag_with_unpause_ticked_creates_nothing(stack, patch_first):
    """The incident's exact gesture: raw conf ``dry_run`` on the paused invoicing DAG, the box ticked."""
    airflow = stack.airflow
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is True
    patched, posted = _form_requests_at_once(stack, INVOICING, {"dry_run": True, **window(stack.scenario)},
                                             patch_first=patch_first)
    assert posted.status_code == 400, posted.text
    assert "it_trap__invoicing has no dry run: nothing was started. Preview in it_trap__preview" in posted.text
    assert patched.status_code in (200, 409), patched.text
    if patched.status_code == 409:
        assert "stays paused: it came with a dry-run request" in patched.text
    else:  # the unpause went through first: the guard paused the DAG again and says so
        assert "was paused again" in posted.text
    time.sleep(15)  # several scheduler loops
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is True
    assert airflow.runs(INVOICING) == []
    assert stack.documents() == [] and stack.attached() == []
    audit = airflow.api("GET", "/api/v2/eventLogs", params={"dag_id": INVOICING, "event": "puente.dry_run_refused"})
    assert audit.json()["total_entries"] >= 1


def test_a_dry_run_of_a_flow_dag_by_someone_not_logged_in_is_airflows_401(stack):
    body = {"conf": {"dry_run": True}, "logical_date": None}
    anonymous = requests.post(f"{stack.airflow.base_url}/api/v2/dags/{INVOICING}/dagRuns", json=body, timeout=10)
    assert anonymous.status_code == 401
    unpause = requests.patch(f"{stack.airflow.base_url}/api/v2/dags/{INVOICING}", json={"is_paused": False},
                             timeout=10)
    assert unpause.status_code == 401


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


def test_a_dry_run_asked_of_the_unpaused_invoicing_dag_is_refused_before_any_run(stack):
    """The DAG is unpaused now: the raw conf's dry_run is a 400 at the api-server, no run, no vendor call."""
    airflow = stack.airflow
    documents_before, requests_before = len(stack.documents()), stack.jumpseller.counters()["total_requests"]
    runs_before = airflow.runs(INVOICING)
    body = {"conf": {"dry_run": True, **window(stack.scenario)}, "logical_date": datetime.now(UTC).isoformat()}
    posted = airflow.api("POST", f"/api/v2/dags/{INVOICING}/dagRuns", json=body)
    assert posted.status_code == 400 and "has no dry run" in posted.text and "paused again" not in posted.text
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is False  # a deliberate unpause stays
    assert airflow.runs(INVOICING) == runs_before
    assert len(stack.documents()) == documents_before
    assert stack.jumpseller.counters()["total_requests"] == requests_before


def test_an_unpause_that_got_through_before_its_dry_run_request_is_undone(stack):
    """The trigger arrives after the unpause's one-second hold (a slow link): the DAG is paused again.
    (This hour's run is done by now, so the unpause queues nothing; what it would queue is deleted.)"""
    airflow = stack.airflow
    runs_before = airflow.runs(INVOICING)
    documents_before = len(stack.documents())
    assert airflow.api("PATCH", f"/api/v2/dags/{INVOICING}", json={"is_paused": True}).status_code == 200
    time.sleep(1.5)  # the previous test's refusal is no longer this unpause's companion
    patched = airflow.api("PATCH", f"/api/v2/dags/{INVOICING}", json={"is_paused": False})
    assert patched.status_code == 200
    body = {"conf": {"dry_run": True, **window(stack.scenario)}, "logical_date": datetime.now(UTC).isoformat()}
    posted = airflow.api("POST", f"/api/v2/dags/{INVOICING}/dagRuns", json=body)
    assert posted.status_code == 400 and "was paused again" in posted.text, posted.text
    assert airflow.api("GET", f"/api/v2/dags/{INVOICING}").json()["is_paused"] is True
    time.sleep(15)
    assert airflow.runs(INVOICING) == runs_before
    assert len(stack.documents()) == documents_before
    audit = airflow.api("GET", "/api/v2/eventLogs", params={"dag_id": INVOICING, "event": "puente.paused_again"})
    assert audit.json()["total_entries"] == 1


def test_the_watch_dag_runs_by_itself_and_only_it(stack):
    """Created unpaused, the deployment's watch DAG runs with nobody clicking; the flow DAGs stay paused."""
    airflow = stack.airflow
    assert airflow.api("GET", f"/api/v2/dags/{WATCH}").json()["is_paused"] is False
    runs = airflow.wait("the watch DAG's first run", lambda: airflow.runs(WATCH), timeout=120)
    assert airflow.wait_for_run(WATCH, runs[0]["dag_run_id"])["state"] == "success"
