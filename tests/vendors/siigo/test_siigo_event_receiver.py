"""Siigo product webhooks through Puente's webhook route: the tenant's secret, its API user and company,
one catalog-sync run per product and minute for the changed SKU, other topics ignored, hostile bodies
a one-line 4xx. Nothing calls Siigo (the connection points at a closed port)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
import yaml
from fastapi.testclient import TestClient

from puente.web.app import create_app
from puente_sandbox.credentials import DEFAULT_SIIGO_USER
from puente_sandbox.siigo.harness import HARNESS
from puente_sandbox.siigo.webhooks import COMPANY_KEY, CREATE, STOCK, UPDATE

NOW = 1_900_000_030.0
TOKEN = HARNESS.webhook_token
TENANT = "co_tienda"
PRODUCT_ID = "00584089-2f4c-4b4e-9a1d-1c2b3d4e5f60"


def stamp(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


EVENT = {"company_key": COMPANY_KEY, "username": DEFAULT_SIIGO_USER, "topic": STOCK, "id": PRODUCT_ID,
         "code": "SKU-0001", "name": "Camiseta", "available_quantity": 5, "created": stamp(NOW - 86400),
         "last_updated": stamp(NOW - 20), "stock_updated": stamp(NOW - 20)}


@pytest.fixture
def receiver(monkeypatch, tmp_path):
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    connections = {}
    for tenant, catalog in ((TENANT, True), ("co_sin_catalogo", False)):
        config, conns = HARNESS.webhook_tenant(tenant)
        config["flows"] = {"catalog_sync": {"enabled": catalog}}
        (tenants / f"{tenant}.yaml").write_text(yaml.safe_dump(config))
        connections |= conns
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    for conn_id, fields in connections.items():
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
    runs: dict[str, dict] = {}

    def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
        if run_id in runs:
            return False
        runs[run_id] = {"dag_id": dag_id, "conf": conf}
        return True

    client = TestClient(create_app(trigger=trigger, clock=lambda: NOW), raise_server_exceptions=False)

    def post(body=None, *, token=TOKEN, tenant=TENANT, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return client.post(f"/webhooks/siigo/{tenant}", params={} if token is None else {"token": token}, **kwargs)

    post.runs = runs  # type: ignore[attr-defined]
    return post


def test_a_stock_change_plans_a_catalog_sync_of_that_sku(receiver):
    answer = receiver(EVENT)
    assert answer.status_code == 200 and answer.json()["status"] == "triggered", answer.text
    minute = int(NOW - 20) // 60 * 60
    assert receiver.runs == {f"webhook__siigo__stock__{PRODUCT_ID}__{minute}": {
        "dag_id": f"{TENANT}__catalog_sync", "conf": {"skus": ["SKU-0001"]}}}


def test_redeliveries_and_changes_in_the_same_minute_share_a_run(receiver):
    assert receiver(EVENT).json()["status"] == "triggered"
    assert receiver(EVENT).json()["status"] == "duplicate"
    assert int(NOW - 15) // 60 == int(NOW - 20) // 60
    assert receiver(EVENT | {"stock_updated": stamp(NOW - 15)}).json()["status"] == "duplicate"
    assert receiver(EVENT | {"stock_updated": stamp(NOW - 200)}).json()["status"] == "triggered"


@pytest.mark.parametrize(("topic", "kind"), [(UPDATE, "update"), (CREATE, "create")])
def test_edits_and_new_products_plan_their_sku(receiver, topic, kind):
    answer = receiver(EVENT | {"topic": topic, "created": stamp(NOW - 30)})
    assert answer.json()["run_id"].startswith(f"webhook__siigo__{kind}__") and answer.json()["conf"] == {
        "skus": ["SKU-0001"]}


def test_other_topics_and_tenants_without_catalog_sync_are_ignored(receiver):
    assert receiver(EVENT | {"topic": "public.siigoapi.invoices.create"}).json()["status"] == "ignored"
    assert receiver(EVENT, tenant="co_sin_catalogo").json()["status"] == "ignored"
    assert receiver.runs == {}


@pytest.mark.parametrize(("kwargs", "status", "reason"), [
    ({"token": "guess-guess-guess"}, 401, "bad or missing webhook token"),
    ({"token": None}, 401, "bad or missing webhook token"),
    ({"body": EVENT | {"username": "otro@empresa.com"}}, 403, "username is not this tenant's Siigo API user"),
    ({"body": EVENT | {"company_key": "OtraEmpresa"}}, 403, "company_key is not this tenant's Siigo company"),
    ({"tenant": "nobody"}, 404, "unknown tenant"),
])
def test_who_may_send_is_checked(receiver, kwargs, status, reason):
    body = kwargs.pop("body", EVENT)
    answer = receiver(body, **kwargs)
    assert answer.status_code == status and reason in answer.json()["detail"], answer.text
    assert receiver.runs == {}


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"content": b"{"}, 400, "body is not JSON"),
    ({"content": b"[1]"}, 400, "expected a JSON object"),
    ({"content": b"{" * 100_000}, 400, "body is not JSON"),
    ({"json": EVENT | {"code": "SKU 1"}}, 422, "code"),
    ({"json": EVENT | {"code": "x" * 31}}, 422, "code"),
    ({"json": EVENT | {"id": "../../etc"}}, 422, "id"),
    ({"json": EVENT | {"topic": "Products.Stock"}}, 422, "topic"),
    ({"json": EVENT | {"stock_updated": "ayer"}}, 422, "stock_updated"),
    ({"json": {k: v for k, v in EVENT.items() if k != "username"}}, 422, "username: Field required"),
])
def test_hostile_bodies_are_a_one_line_4xx(receiver, caplog, body, status, reason):
    with caplog.at_level(logging.WARNING, logger="puente.webhooks"):
        answer = receiver(**body)
    detail = answer.json()["detail"]
    assert answer.status_code == status and detail.startswith(reason), detail
    assert "\n" not in detail and receiver.runs == {}
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]


def test_a_huge_body_is_refused(receiver):
    assert receiver(content=b" " * (1024 * 1024 + 1)).status_code == 413


@pytest.mark.parametrize("at", [NOW - 16 * 60, NOW + 6 * 60])
def test_old_or_future_events_are_stale(receiver, at):
    answer = receiver(EVENT | {"stock_updated": stamp(at)})
    assert answer.json()["status"] == "stale" and receiver.runs == {}
