"""Console actions over HTTP, as Airflow users: a viewer sees but cannot act, a user acts through the
engine (the ledger changes once), every outcome lands in the action log with the user, and whatever
a person types is a 4xx (or a 502 for an unreachable vendor), never a 500."""

from __future__ import annotations

import json

from test_console_auth import console
from test_views_api import add_rows

from puente.state.ledger import InvoiceLedger

__all__ = ["console"]  # the fixture, shared with the console auth tests
BASE = "/api/tenants/andes_outdoor"


def add_order(order_id: str, status: str, channel: str = "jumpseller_andes_outdoor") -> None:
    add_rows({"tenant": "andes_outdoor", "channel": channel, "order_id": order_id, "status": status,
              "category": "unlinked_sku" if status == "error" else None, "reason": "product not synced"})


def post(receiver, jwt: str | None, path: str, body: dict):
    headers = {"Authorization": f"Bearer {jwt}"} if jwt else {}
    return receiver.client.post(f"{BASE}{path}", json=body, headers=headers)


def status_of(order_id: str) -> str:
    return InvoiceLedger().rows("andes_outdoor", order_ids=[order_id])[0]["status"]


def test_a_viewer_sees_but_cannot_act_and_nobody_acts_without_login(console):
    receiver, token = console
    add_order("101", "error")
    assert post(receiver, None, "/orders/101/retry", {"reason": "linked now"}).status_code == 401
    viewer = post(receiver, token("viewer"), "/orders/101/retry", {"reason": "linked now"})
    assert viewer.status_code == 403 and "edit access" in viewer.json()["detail"]
    assert status_of("101") == "error"


def test_a_user_retries_and_skips_through_the_engine_once_and_the_log_keeps_who(console):
    receiver, token = console
    add_order("101", "error")
    add_order("102", "uncertain")
    jwt = token("user")
    done = post(receiver, jwt, "/orders/101/retry", {"reason": "SKU linked"})
    assert done.status_code == 200, done.text
    assert status_of("101") == "queued" and done.json()["actor"] == "airflow:ana-user"
    again = post(receiver, jwt, "/orders/101/retry", {"reason": "SKU linked"})
    assert again.status_code == 409 and "only error or uncertain" in again.json()["detail"]
    assert post(receiver, jwt, "/orders/102/skip", {"reason": "made by hand in Bsale: doc 881"}).status_code == 200
    row = InvoiceLedger().rows("andes_outdoor", order_ids=["102"])[0]
    assert row["status"] == "skipped" and "doc 881" in row["reason"] and "airflow:ana-user" in row["reason"]
    log = receiver.client.get(f"{BASE}/actions", headers={"Authorization": f"Bearer {jwt}"}).json()["actions"]
    assert [(a["action"], a["subject"], a["outcome"], a["actor"]) for a in log] == [
        ("skip", "102", "done", "airflow:ana-user"), ("retry", "101", "refused", "airflow:ana-user"),
        ("retry", "101", "done", "airflow:ana-user")]


def test_what_a_person_types_is_a_4xx_and_an_unreachable_vendor_a_502(console, monkeypatch):
    receiver, token = console
    jwt = token("user")
    add_order("101", "error")
    assert post(receiver, jwt, "/orders/101/retry", {"reason": ""}).status_code == 422
    assert post(receiver, jwt, "/orders/101/retry", {"reason": "x", "status": "invoiced"}).status_code == 422
    assert post(receiver, jwt, "/orders/101/retry", {"reason": "x" * 501}).status_code == 422
    assert post(receiver, jwt, "/orders/" + "9" * 65 + "/retry", {"reason": "x"}).status_code == 422
    assert post(receiver, jwt, "/orders/nope/retry", {"reason": "x"}).status_code == 409
    assert post(receiver, jwt, "/links", {"erp_sku": "A"}).status_code == 422  # which listing?
    assert post(receiver, jwt, "/links", {"erp_sku": "A", "listing_sku": "B", "listing_id": "1"}).status_code == 422
    other = receiver.client.post("/api/tenants/ghost_store/orders/1/retry", json={"reason": "x"},
                                 headers={"Authorization": f"Bearer {jwt}"})
    assert other.status_code == 404
    assert receiver.client.post("/api/tenants/Bad-Name/orders/1/retry", json={"reason": "x"},
                                headers={"Authorization": f"Bearer {jwt}"}).status_code == 422
    not_set_up = post(receiver, jwt, "/orders/101/invoice", {"sku_overrides": {"X": "Y"}})
    assert not_set_up.status_code == 409 and "jumpseller_andes_outdoor" in not_set_up.json()["detail"]
    monkeypatch.setenv("AIRFLOW_CONN_JUMPSELLER_ANDES_OUTDOOR", json.dumps(
        {"conn_type": "jumpseller", "host": "http://127.0.0.1:9", "login": "store", "password": "t0ken-secret"}))
    down = post(receiver, jwt, "/orders/101/invoice", {"sku_overrides": {"X": "Y"}})
    assert down.status_code == 502, down.text
    assert "t0ken-secret" not in down.text
    assert status_of("101") == "error"  # nothing changed


def test_a_user_settles_an_uncertain_order_once_as_a_document_of_the_erp(console):
    receiver, token = console
    add_order("103", "uncertain")
    add_order("104", "error")
    jwt = token("user")
    done = post(receiver, jwt, "/orders/103/settle", {"document": "B-881", "reason": "found in Bsale"})
    assert done.status_code == 200, done.text
    assert done.json()["result"]["settled"].endswith("uncertain -> invoiced as document B-881 (airflow:ana-user)")
    row = InvoiceLedger().rows("andes_outdoor", order_ids=["103"])[0]
    assert (row["status"], row["erp_doc_number"], row["settled_by"]) == ("invoiced", "B-881", "airflow:ana-user")
    again = post(receiver, jwt, "/orders/103/settle", {"decision": "skip", "reason": "twice"})
    assert again.status_code == 409 and "settled by airflow:ana-user" in again.json()["detail"]
    assert post(receiver, jwt, "/orders/104/settle", {"decision": "send"}).status_code == 200
    assert status_of("104") == "queued"
    viewer = post(receiver, token("viewer"), "/orders/103/settle", {"document": "1"})
    assert viewer.status_code == 403
    log = receiver.client.get(f"{BASE}/actions", headers={"Authorization": f"Bearer {jwt}"}).json()["actions"]
    assert [(a["action"], a["subject"], a["outcome"]) for a in log[:3]] == [
        ("settle", "104", "done"), ("settle", "103", "refused"), ("settle", "103", "done")]


def test_what_a_person_types_to_settle_is_a_4xx(console):
    receiver, token = console
    jwt = token("user")
    add_order("105", "uncertain")
    for body in [{}, {"document": ""}, {"document": "9" * 65}, {"decision": "invoiced", "document": "1"},
                 {"decision": "skip"}, {"decision": "send", "document": "1"}, {"document": "1", "extra": 1}]:
        answer = post(receiver, jwt, "/orders/105/settle", body)
        assert answer.status_code in (409, 422), (body, answer.text)
    assert status_of("105") == "uncertain"
