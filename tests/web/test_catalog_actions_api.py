"""Console catalog actions over HTTP against the Bsale and Jumpseller sandboxes: a preview plans what a
sync would write and writes nothing anywhere, an import creates each missing product once, a full
resync starts a run only on an unpaused DAG (never unpausing it); a viewer may do none of them, and
an unreachable vendor is a 502 within the console's deadline, not after a task's minutes of retries."""

from __future__ import annotations

import socket
import time

import pytest
from console_sandboxes import JUMPSELLER_CONN, connect
from test_console_auth import console

from puente.catalog_preview import MAX_CHANGES
from puente.state.action_log import ActionLog
from puente.state.store import StateStore
from puente.web import airflow_adapter, catalog_actions_api

__all__ = ["console"]
BASE = "/api/tenants/andes_outdoor/catalog"


def post(receiver, jwt: str, path: str, body: dict):
    return receiver.client.post(f"{BASE}{path}", json=body, headers={"Authorization": f"Bearer {jwt}"})


@pytest.fixture
def sandboxed(console, monkeypatch, tmp_path, bsale_sandbox, jumpseller_sandbox):
    connect(monkeypatch, tmp_path, bsale_sandbox.base_url, jumpseller_sandbox.base_url)
    return console


def test_a_preview_plans_what_a_sync_would_write_and_writes_nothing(sandboxed, jumpseller_sandbox, catalog_scenario):
    receiver, token = sandboxed
    links_before = StateStore().links("andes_outdoor")
    assert post(receiver, token("viewer"), "/preview", {}).status_code == 403
    answer = post(receiver, token("user"), "/preview", {})
    assert answer.status_code == 200, answer.text
    [channel] = answer.json()["result"]["channels"]
    assert channel["channel"] == JUMPSELLER_CONN
    assert channel["changes_total"] > 0 and 0 < len(channel["changes"]) <= MAX_CHANGES
    assert channel["counts"]["planned_stock"] > 0 and channel["unmatched_source"] > 0
    assert all(isinstance(change["sku"], str) for change in channel["changes"])
    assert jumpseller_sandbox.writes() == []  # nothing written to the store
    store = StateStore()
    assert store.links("andes_outdoor") == links_before and store.pushed("andes_outdoor", JUMPSELLER_CONN) == {}
    assert store.latest_report("andes_outdoor", f"catalog_sync/{JUMPSELLER_CONN}") is None  # no run, no report
    one = channel["changes"][0]["sku"]
    narrowed = post(receiver, token("user"), "/preview", {"skus": [one], "full_resync": True}).json()["result"]
    assert [change["sku"] for change in narrowed["channels"][0]["changes"]] == [one]
    log = ActionLog().rows("andes_outdoor")
    assert [(row["action"], row["outcome"]) for row in log] == [("catalog_preview", "done")] * 2


def test_an_import_creates_the_missing_products_once(sandboxed, bsale_sandbox, jumpseller_sandbox):
    receiver, token = sandboxed
    for sku, name in (("WEB-1", "Gorro Web"), ("WEB-2", "Bufanda Web")):
        bsale_sandbox.inspect_post("/_sandbox/variants", {"sku": sku, "name": name, "office_id": 1, "available": 5,
                                                          "net": 4200})
    body = {"channel": JUMPSELLER_CONN, "skus": ["WEB-1", "WEB-2"]}
    assert post(receiver, token("viewer"), "/import", body).status_code == 403
    done = post(receiver, token("user"), "/import", body)
    assert done.status_code == 200, done.text
    result = done.json()["result"]
    assert result["ok"] is True and result["counts"] == {"created": 2}
    created = jumpseller_sandbox.inspect_get("/_sandbox/products/created")["products"]
    assert len(created) == 2
    again = post(receiver, token("user"), "/import", body).json()["result"]
    assert "created" not in again["counts"]  # each product once
    assert len(jumpseller_sandbox.inspect_get("/_sandbox/products/created")["products"]) == 2
    wrong = post(receiver, token("user"), "/import", {"channel": "nope"})
    assert wrong.status_code == 409 and "no channel 'nope'" in wrong.json()["detail"]
    assert post(receiver, token("user"), "/import", {"channel": JUMPSELLER_CONN, "skus": []}).status_code == 422
    assert post(receiver, token("user"), "/import", {}).status_code == 422
    log = ActionLog().rows("andes_outdoor")
    assert [(row["action"], row["outcome"]) for row in log] == [
        ("catalog_import", "refused"), ("catalog_import", "done"), ("catalog_import", "done")]
    assert {row["actor"] for row in log} == {"airflow:ana-user"}


def test_an_unreachable_vendor_is_a_quick_502(console, monkeypatch, tmp_path):
    receiver, token = console
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    connect(monkeypatch, tmp_path, down, down)
    monkeypatch.setitem(catalog_actions_api.VENDOR_SECONDS, "preview", 2.0)
    started = time.monotonic()
    answer = post(receiver, token("user"), "/preview", {})
    assert answer.status_code == 502, answer.text
    assert time.monotonic() - started < 10 and "bsale" in answer.json()["detail"].lower()
    assert ActionLog().rows("andes_outdoor")[0]["outcome"] == "failed"


def test_a_full_resync_runs_only_an_unpaused_dag_and_never_unpauses_it(console, monkeypatch):
    receiver, token = console
    paused: dict[str, bool | None] = {"andes_outdoor__catalog_sync": True}
    monkeypatch.setattr(airflow_adapter, "dag_paused", lambda dag_id: paused.get(dag_id))
    assert post(receiver, token("viewer"), "/resync", {}).status_code == 403
    refused = post(receiver, token("user"), "/resync", {"reason": "new price list"})
    assert refused.status_code == 409 and "is paused" in refused.json()["detail"]
    assert receiver.created == {} and paused["andes_outdoor__catalog_sync"] is True
    paused["andes_outdoor__catalog_sync"] = False
    done = post(receiver, token("user"), "/resync", {"reason": "new price list"})
    assert done.status_code == 200, done.text
    result = done.json()["result"]
    assert receiver.created == {result["run_id"]: {"dag_id": "andes_outdoor__catalog_sync",
                                                   "conf": {"full_resync": True}}}
    del paused["andes_outdoor__catalog_sync"]  # Airflow does not know it (not parsed yet)
    assert post(receiver, token("user"), "/resync", {}).status_code == 409
    assert post(receiver, token("user"), "/resync", {"unpause": True}).status_code == 422
    assert [row["outcome"] for row in ActionLog().rows("andes_outdoor")] == ["refused", "done", "refused"]
