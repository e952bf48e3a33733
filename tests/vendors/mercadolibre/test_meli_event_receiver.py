"""Mercado Libre notifications through Puente's webhook route: the tenant's secret, its app and seller,
the thin ``/orders/<id>`` payload, one run per order and minute (retries and a sale's several
notifications coalesce), other topics ignored, hostile bodies a one-line 4xx. Nothing calls Mercado
Libre here: the connection points at a closed port, so a call would fail the request."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from puente.web.app import create_app
from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID
from puente_sandbox.mercadolibre.harness import HARNESS
from puente_sandbox.mercadolibre.seed import SELLER_ID

NOW = 1_900_000_030.0
TOKEN = HARNESS.webhook_token
TENANT = "meli_shop"
DEMO_TENANTS = Path(__file__).resolve().parents[3] / "include" / "tenants"


def stamp(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


NOTIFICATION = {"_id": "f9f08571-1f65-4c46-9e0a-c0f43faa1557", "resource": "/orders/2000004912352524",
                "user_id": SELLER_ID, "topic": "orders_v2", "application_id": int(DEFAULT_MELI_CLIENT_ID),
                "attempts": 1, "sent": stamp(NOW - 10), "received": stamp(NOW - 10.02)}


class Receiver:
    def __init__(self, client: TestClient) -> None:
        self.client, self.runs, self.calls = client, {}, 0

    def post(self, body=None, *, token: str | None = TOKEN, tenant: str = TENANT, **kwargs):
        params = {} if token is None else {"token": token}
        if body is not None:
            kwargs["json"] = body
        return self.client.post(f"/webhooks/mercadolibre/{tenant}", params=params, **kwargs)


def _write_tenant(directory, tenant: str, *, invoicing: bool = True) -> dict:
    config, connections = HARNESS.webhook_tenant(tenant)
    config["flows"]["invoicing"]["enabled"] = invoicing
    (directory / f"{tenant}.yaml").write_text(yaml.safe_dump(config))
    return connections


@pytest.fixture
def receiver(monkeypatch, tmp_path) -> Receiver:
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    connections = _write_tenant(tenants, TENANT)
    connections |= _write_tenant(tenants, "meli_quiet", invoicing=False)
    unarmed = _write_tenant(tenants, "meli_unarmed")
    unarmed["meli_meli_unarmed"]["extra"].pop("seller_id")
    connections |= unarmed
    (tenants / "costa_libros.yaml").write_text((DEMO_TENANTS / "costa_libros.yaml").read_text())
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    for conn_id, fields in connections.items():
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
    result = Receiver(None)  # type: ignore[arg-type]

    def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
        result.calls += 1
        if run_id in result.runs:
            return False
        result.runs[run_id] = {"dag_id": dag_id, "conf": conf}
        return True

    result.client = TestClient(create_app(trigger=trigger, clock=lambda: NOW), raise_server_exceptions=False)
    return result


def test_an_order_notification_plans_that_orders_invoicing(receiver):
    answer = receiver.post(NOTIFICATION)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "triggered"
    minute = int(NOW - 10.02) // 60 * 60
    assert receiver.runs == {f"webhook__mercadolibre__orders_v2__2000004912352524__{minute}": {
        "dag_id": f"{TENANT}__invoicing", "conf": {"order_ids": ["2000004912352524"], "channel": f"meli_{TENANT}"}}}


def test_retries_and_a_sales_several_notifications_share_one_run(receiver):
    assert receiver.post(NOTIFICATION).json()["status"] == "triggered"
    retry = NOTIFICATION | {"attempts": 3, "sent": stamp(NOW)}  # same notification, later attempt
    sibling = NOTIFICATION | {"_id": "other", "received": stamp(NOW - 40), "sent": stamp(NOW - 40)}
    assert receiver.post(retry).json()["status"] == "duplicate"
    assert receiver.post(sibling).json()["status"] == "duplicate"
    assert len(receiver.runs) == 1


def test_a_change_a_minute_later_is_a_new_run(receiver):
    receiver.post(NOTIFICATION | {"received": stamp(NOW - 200), "sent": stamp(NOW - 200)})
    assert receiver.post(NOTIFICATION).json()["status"] == "triggered"
    other_order = NOTIFICATION | {"resource": "/orders/2000004912352525"}
    assert receiver.post(other_order).json()["status"] == "triggered"
    assert len(receiver.runs) == 3


@pytest.mark.parametrize("topic", ["items", "questions", "payments", "shipments", "messages", "orders"])
def test_other_topics_are_ignored(receiver, topic):
    answer = receiver.post(NOTIFICATION | {"topic": topic, "resource": "/items/MCO1"})
    assert (answer.status_code, answer.json()["status"]) == (200, "ignored")
    assert receiver.calls == 0


def test_a_tenant_without_invoicing_ignores_orders(receiver):
    answer = receiver.post(NOTIFICATION, tenant="meli_quiet")
    assert answer.json()["status"] == "ignored" and receiver.calls == 0


@pytest.mark.parametrize(("change", "status", "reason"), [
    ({"application_id": 1234567890123456}, 403, "application_id is not this tenant's"),
    ({"application_id": int(DEFAULT_MELI_CLIENT_ID) + 1}, 403, "application_id"),
    ({"user_id": SELLER_ID + 1}, 403, "user_id is not this tenant's Mercado Libre seller"),
])
def test_a_foreign_app_or_seller_is_refused(receiver, change, status, reason):
    answer = receiver.post(NOTIFICATION | change)
    assert answer.status_code == status and answer.json()["detail"].startswith(reason)
    assert receiver.calls == 0


@pytest.mark.parametrize(("kwargs", "status", "reason"), [
    ({"token": "guess-guess-guess"}, 401, "bad or missing webhook token"),
    ({"token": None}, 401, "bad or missing webhook token"),
    ({"tenant": "meli_unarmed"}, 403, "set the 'seller_id'"),
    ({"tenant": "costa_libros"}, 404, "tenant costa_libros has no mercadolibre source"),
    ({"tenant": "nobody"}, 404, "unknown tenant"),
])
def test_who_may_send_is_checked(receiver, kwargs, status, reason):
    answer = receiver.post(NOTIFICATION, **kwargs)
    assert answer.status_code == status and reason in answer.json()["detail"], answer.text
    assert receiver.calls == 0


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"content": b'{"resource": '}, 400, "body is not JSON"),
    ({"content": b"[]"}, 400, "expected a JSON object"),
    ({"content": b""}, 400, "empty body"),
    ({"content": b"{" * 100_000}, 400, "body is not JSON"),
    ({"json": NOTIFICATION | {"resource": "/orders/12/../../x"}}, 422, "resource: expected /orders/<digits>"),
    ({"json": NOTIFICATION | {"resource": "/orders/" + "9" * 40}}, 422, "resource"),
    ({"json": NOTIFICATION | {"resource": "/items/MCO1"}}, 422, "resource"),
    ({"json": NOTIFICATION | {"resource": "x" * 5000}}, 422, "resource"),
    ({"json": NOTIFICATION | {"user_id": True}}, 422, "user_id"),
    ({"json": NOTIFICATION | {"user_id": {"$ne": 1}}}, 422, "user_id"),
    ({"json": NOTIFICATION | {"application_id": "abc"}}, 422, "application_id"),
    ({"json": NOTIFICATION | {"topic": "orders__v2"}}, 422, "topic"),
    ({"json": NOTIFICATION | {"received": "yesterday"}}, 422, "received"),
    ({"json": {k: v for k, v in NOTIFICATION.items() if k != "resource"}}, 422, "resource: Field required"),
])
def test_hostile_bodies_are_a_one_line_4xx(receiver, caplog, body, status, reason):
    with caplog.at_level(logging.WARNING, logger="puente.webhooks"):
        answer = receiver.post(**body)
    detail = answer.json()["detail"]
    assert answer.status_code == status and detail.startswith(reason), detail
    assert "\n" not in detail and len(detail) < 300 and receiver.calls == 0
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]


def test_a_body_over_one_megabyte_is_refused(receiver):
    assert receiver.post(content=b" " * (1024 * 1024 + 1)).status_code == 413
    assert receiver.calls == 0


@pytest.mark.parametrize("produced", [NOW - 2 * 3600 - 60, NOW + 6 * 60])
def test_old_or_future_notifications_are_stale(receiver, produced):
    answer = receiver.post(NOTIFICATION | {"received": stamp(produced), "sent": stamp(produced)})
    assert (answer.status_code, answer.json()["status"]) == (200, "stale")
    assert receiver.calls == 0


def test_a_retry_within_the_hour_still_counts(receiver):
    produced = NOW - 55 * 60  # Mercado Libre retries for an hour: the original time stays
    answer = receiver.post(NOTIFICATION | {"received": stamp(produced), "attempts": 8, "sent": stamp(NOW)})
    assert answer.json()["status"] == "triggered"


def test_without_times_the_receivers_clock_is_used(receiver):
    body = {k: v for k, v in NOTIFICATION.items() if k not in ("sent", "received")}
    answer = receiver.post(body)
    assert answer.json()["run_id"].endswith(f"__{int(NOW) // 60 * 60}")
