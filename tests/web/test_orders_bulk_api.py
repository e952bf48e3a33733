"""Retry all the orders of one attention category at once: only that category's orders in error or
uncertain are handed back (through the one-order decision), bounded per request with what remains,
one action-log row for the batch; a viewer cannot, and a malformed category is a 422."""

from __future__ import annotations

from test_actions_api import add_order, status_of
from test_console_auth import console
from test_views_api import add_rows

from puente import order_bulk
from puente.state.action_log import ActionLog

__all__ = ["console"]
PATH = "/api/tenants/andes_outdoor/orders/retry"


def post(receiver, jwt: str | None, body: dict):
    headers = {"Authorization": f"Bearer {jwt}"} if jwt else {}
    return receiver.client.post(PATH, json=body, headers=headers)


def test_a_category_is_retried_in_bounded_batches_and_logged_once_per_batch(console, monkeypatch):
    receiver, token = console
    for order_id in ("101", "102", "103"):
        add_order(order_id, "error")  # category unlinked_sku
    add_rows({"tenant": "andes_outdoor", "channel": "jumpseller_andes_outdoor", "order_id": "104", "status": "error",
              "category": "no_stock", "reason": "sin stock"},
             {"tenant": "andes_outdoor", "channel": "jumpseller_andes_outdoor", "order_id": "105", "status": "invoiced",
              "category": "unlinked_sku"},
             {"tenant": "andes_sur", "channel": "js", "order_id": "201", "status": "error", "category": "unlinked_sku"})
    body = {"category": "unlinked_sku", "reason": "SKUs linked in Jumpseller"}
    viewer = post(receiver, token("viewer"), body)
    assert viewer.status_code == 403 and status_of("101") == "error"
    monkeypatch.setattr(order_bulk, "MAX_ORDERS", 2)
    jwt = token("user")
    first = post(receiver, jwt, body)
    assert first.status_code == 200, first.text
    assert first.json()["result"] | {"order_ids": None} == {
        "category": "unlinked_sku", "retried": 2, "order_ids": None, "refused": [], "remaining": 1}
    second = post(receiver, jwt, body).json()["result"]
    assert (second["retried"], second["remaining"]) == (1, 0)
    assert [status_of(o) for o in ("101", "102", "103", "104", "105")] == [
        "queued", "queued", "queued", "error", "invoiced"]
    assert post(receiver, jwt, body).json()["result"]["retried"] == 0  # nothing left: a 200 saying so
    log = ActionLog().rows("andes_outdoor")
    assert [(row["action"], row["subject"], row["outcome"]) for row in log] == [
        ("retry_category", "unlinked_sku", "done")] * 3
    assert log[-1]["detail"]["result"]["retried"] == 2 and log[-1]["actor"] == "airflow:ana-user"


def test_what_a_person_types_is_a_4xx(console):
    receiver, token = console
    jwt = token("user")
    assert post(receiver, None, {"category": "unlinked_sku", "reason": "x"}).status_code == 401
    for body in ({"category": "unlinked_sku"}, {"category": "DROP TABLE", "reason": "x"},
                 {"category": "x" * 40, "reason": "x"}, {"category": "no_stock", "reason": ""},
                 {"category": "no_stock", "reason": "x", "status": "invoiced"}):
        answer = post(receiver, jwt, body)
        assert answer.status_code == 422, body
        assert "\n" not in answer.text
    ghost = receiver.client.post("/api/tenants/ghost_store/orders/retry", json={"category": "no_stock", "reason": "x"},
                                 headers={"Authorization": f"Bearer {jwt}"})
    assert ghost.status_code == 404
