"""Orders that wait for a person, answered in Airflow's Required Actions on a real DAG run.

The decisions DAG runs with ``dag.test()`` in a thread: its ``decide`` task instances park in
``awaiting_input`` (Airflow 3.3: no triggerer) until a response is recorded from outside, which here
is Airflow's own core API (``PATCH .../hitlDetails``, as the Required Actions page sends it) and the
Puente console, both on the same metadata database. Each ledger row is settled exactly once,
whichever path answers first; the late answer is refused in the task log, the run stays green.
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from dag_runs import BOTH_STATE_BACKENDS, run, window
from fastapi.testclient import TestClient
from test_invoicing_retry_errors import TENANT_ID, retry_dags

from puente.decision_questions import DECIDE_TASK, decisions_dag_id
from puente.factory import register_dags
from puente.state.decision_requests import DecisionRequests
from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore
from puente.state.tables import invoice_ledger

TENANT, CHANNEL = "andes_outdoor", "jumpseller_andes_outdoor"
DEMO = Path(__file__).resolve().parents[2] / "include" / "tenants" / f"{TENANT}.yaml"
__all__ = ["retry_dags"]  # the fixture
SIMPLE = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"


@pytest.fixture
def airflow_apis(monkeypatch, airflow_db):
    """(core API client, Puente console client, token(user)) signed as the api-server signs."""
    from airflow.api_fastapi import app as airflow_app
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    from puente.web.app import create_app

    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "decisions-test-jwt-secret-0123456789abcdef0123456789")
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER", SIMPLE)
    airflow_app._AuthManagerState.instance = None
    manager = airflow_app.init_auth_manager()

    def token(name: str) -> dict:
        return {"Authorization": f"Bearer {manager.generate_jwt(SimpleAuthManagerUser(username=name, role='admin'))}"}

    core = TestClient(airflow_app.create_app("core"))
    yield core, TestClient(create_app(trigger=lambda *args: True)), token
    airflow_app._AuthManagerState.instance = None


def waiting_rows(*rows: tuple[str, str, str]) -> None:
    now = datetime.now(UTC)
    with StateStore().engine.begin() as conn:
        conn.execute(invoice_ledger.insert(), [
            {"tenant": TENANT, "channel": CHANNEL, "order_id": order_id, "status": status, "category": category,
             "reason": "the ERP timed out after the send" if status == "uncertain" else "bad SKU {{ x.y }} {% if %}",
             "attempts": 1, "attached": False, "attach_attempts": 0, "updated_at": now}
            for order_id, status, category in rows])


def parked(dag_id: str) -> dict[str, tuple[str, int]]:
    """``<channel>/<order>`` -> (run id, map index) of the decide task instances waiting for input."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        return {key: (run_id, index) for key, run_id, index in session.execute(
            sa.select(TaskInstance.rendered_map_index, TaskInstance.run_id, TaskInstance.map_index).where(
                TaskInstance.dag_id == dag_id, TaskInstance.task_id == DECIDE_TASK,
                TaskInstance.state == "awaiting_input"))}


def decide_results(dag_id: str, run_id: str) -> dict[str, dict]:
    """What each decide task returned (its XCom), by ``<channel>/<order>``."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        same_ti = sa.and_(*(getattr(XComModel, name) == getattr(TaskInstance, name)
                            for name in ("dag_id", "run_id", "task_id", "map_index")))
        found = session.execute(
            sa.select(TaskInstance.rendered_map_index, XComModel.value).join(XComModel, same_ti)
            .where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id == DECIDE_TASK,
                   XComModel.key == "return_value")).all()
    return {key: XComModel.deserialize_value(type("Row", (), {"value": value})()) for key, value in found}


def wait_for(condition, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@BOTH_STATE_BACKENDS
def test_waiting_orders_are_settled_once_from_required_actions_or_the_console(
        tmp_path, monkeypatch, airflow_apis, dag_state_url):
    core, console, token = airflow_apis
    shutil.copy(DEMO, tmp_path / DEMO.name)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv("PUENTE_STATE_URL", dag_state_url)
    waiting_rows(("701", "uncertain", None), ("702", "error", "unlinked_sku"), ("703", "uncertain", None),
                 ("704", "uncertain", None), ("705", "error", "no_stock"))
    namespace: dict = {}
    register_dags(namespace)
    dag = namespace[f"{TENANT}__decisions"]
    answered: dict = {}

    def answer(order_id: str, option: str, user: str, document=None, reason=None):
        run_id, index = answered["questions"][f"{CHANNEL}/{order_id}"]
        return core.patch(f"/api/v2/dags/{dag.dag_id}/dagRuns/{run_id}/taskInstances/{DECIDE_TASK}/{index}/hitlDetails",
                          json={"chosen_options": [option], "params_input": {"document": document, "reason": reason}},
                          headers=token(user))

    def person() -> None:
        """Answers while the run waits (dag.test() must run in the main thread)."""
        from puente.order_decisions import settle_order

        try:
            answered["questions"] = wait_for(lambda: (found := parked(dag.dag_id)) and len(found) == 5 and found,
                                             "five questions")
            # 701: answered in Required Actions, as the Airflow user who answered
            answered["701"] = answer("701", "Exists in ERP", "rosa", document="B-9001").status_code
            # 702: settled in the console first; the console also answers its Required Action
            answered["702"] = console.post(f"/api/tenants/{TENANT}/orders/702/settle", headers=token("ana"),
                                           json={"decision": "skip", "reason": "test order, never shipped"})
            # 703: settled outside Airflow (CLI) first; the late Required Actions answer is refused
            settle_order(TENANT, "703", "send", by="cli:bo")
            answered["703"] = answer("703", "Exists in ERP", "rosa", document="B-9002").status_code
            # 704: "exists" without the document number: refused, the order waits and is asked again
            answered["704"] = answer("704", "Exists in ERP", "rosa").status_code
            # 705: retried in the console; its Required Action is answered "Send again" too
            answered["705"] = console.post(f"/api/tenants/{TENANT}/orders/705/retry", headers=token("ana"),
                                           json={"reason": "the stock arrived"})
        except BaseException as exc:  # unblock the run, then fail the test with the reason
            answered["error"] = exc
            for key in parked(dag.dag_id):
                answer(key.split("/")[1], "Decide later", "rescuer")

    helper = threading.Thread(target=person, daemon=True)
    helper.start()
    run = dag.test()
    helper.join(timeout=30)
    assert "error" not in answered, answered.get("error")
    assert set(answered["questions"]) == {f"{CHANNEL}/70{i}" for i in range(1, 6)}
    assert (answered["701"], answered["703"], answered["704"]) == (200, 200, 200), answered
    assert answered["702"].status_code == 200, answered["702"].text
    assert answered["702"].json()["result"]["required_action"].startswith("answered in Required Actions")
    assert answered["705"].status_code == 200, answered["705"].text
    assert answered["705"].json()["result"]["required_action"].startswith("answered in Required Actions")
    assert str(getattr(run.state, "value", run.state)) == "success"
    rows = {row["order_id"]: row for row in InvoiceLedger().rows(TENANT)}
    assert (rows["701"]["status"], rows["701"]["erp_doc_number"], rows["701"]["settled_by"]) == (
        "invoiced", "B-9001", "airflow:rosa")
    assert (rows["702"]["status"], rows["702"]["settled_by"]) == ("skipped", "airflow:ana")
    assert (rows["703"]["status"], rows["703"]["erp_doc_number"], rows["703"]["settled_by"]) == (
        "queued", None, "cli:bo")
    outcomes = decide_results(dag.dag_id, run.run_id)
    assert {key.split("/")[1]: value["outcome"] for key, value in outcomes.items()} == {
        "701": "settled", "702": "refused", "703": "refused", "704": "refused", "705": "refused"}
    assert rows["705"]["status"] == "queued" and "the stock arrived (airflow:ana)" in rows["705"]["reason"]
    assert rows["704"]["status"] == "uncertain" and "needs the document number" in outcomes[f"{CHANNEL}/704"]["line"]
    assert [row["order_id"] for row in DecisionRequests().ask(TENANT, "next", 10)] == ["704"]  # asked again
    assert "is queued (settled by cli:bo" in outcomes[f"{CHANNEL}/703"]["line"]
    # a second answer to an answered question is refused by Airflow itself; the console refuses too
    assert answer("701", "Skip", "bo", reason="again").status_code == 409
    again = console.post(f"/api/tenants/{TENANT}/orders/701/settle", headers=token("ana"), json={"document": "X"})
    assert again.status_code == 409 and "settled by airflow:rosa" in again.json()["detail"]


def dag_runs(dag_id: str) -> list[str]:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        return list(session.scalars(sa.select(DagRun.run_id).where(DagRun.dag_id == dag_id)))


def test_an_invoicing_run_with_orders_that_wait_asks_them_once_in_a_decisions_run(retry_dags, order_scenario):
    catalog, invoicing = retry_dags
    assert run(catalog) == "success"
    assert run(invoicing, **window(order_scenario)) == "failed"  # red: orders wait for a person (needs_attention)
    waiting = {row["order_id"] for row in InvoiceLedger().rows(TENANT_ID, statuses=["error", "uncertain"])}
    assert waiting
    [asked] = dag_runs(decisions_dag_id(TENANT_ID))
    assert asked.startswith("asked__manual__")
    assert {row["order_id"] for row in DecisionRequests().taken(TENANT_ID, asked)} == waiting
    # the decisions run has not run yet (no scheduler here): the next invoicing run does not ask again
    assert run(invoicing, **window(order_scenario)) == "success"
    assert dag_runs(decisions_dag_id(TENANT_ID)) == [asked]
    # nor does a run asked for a dry run (refused: dry runs live in the preview DAG)
    assert run(invoicing, dry_run=True, **window(order_scenario)) == "failed"
    assert dag_runs(decisions_dag_id(TENANT_ID)) == [asked]
