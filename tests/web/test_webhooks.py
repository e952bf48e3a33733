"""Webhook receiver: authentication, event -> targeted run, duplicate deliveries."""

import json

import pytest
from fastapi.testclient import TestClient

from puente.state.store import StateStore
from puente.web.app import create_app

EVENT = {"cpnId": 2, "resource": "/v2/stocks.json?variant=3960&office=1", "resourceId": "3960",
         "topic": "stock", "action": "put", "officeId": "1", "send": 1717200000}


@pytest.fixture
def client(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW_CONN_PUENTE_WEBHOOKS", json.dumps({"conn_type": "generic", "password": "s3cret-hook"}))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    StateStore().save_links("andes_outdoor", "js", [{"sku": "SKU-9", "status": "linked", "source_id": "3960"}])
    created: dict[str, dict] = {}

    def trigger(dag_id, run_id, conf):
        if run_id in created:
            return False
        created[run_id] = {"dag_id": dag_id, "conf": conf}
        return True

    test_client = TestClient(create_app(trigger=trigger))
    test_client.created = created
    return test_client


def test_stock_event_triggers_a_run_for_just_that_sku(client):
    answer = client.post("/webhooks/bsale/andes_outdoor?token=s3cret-hook", json=EVENT)
    assert answer.status_code == 200
    assert answer.json()["status"] == "triggered"
    [(run_id, run)] = client.created.items()
    assert run == {"dag_id": "andes_outdoor__catalog_sync", "conf": {"skus": ["SKU-9"]}}
    assert run_id == "webhook__bsale__stock__3960__1717200000"


def test_redelivered_event_is_not_run_twice(client):
    client.post("/webhooks/bsale/andes_outdoor?token=s3cret-hook", json=EVENT)
    again = client.post("/webhooks/bsale/andes_outdoor?token=s3cret-hook", json=EVENT)
    assert again.json()["status"] == "duplicate"
    assert len(client.created) == 1


def test_unknown_variant_falls_back_to_a_full_sync(client):
    answer = client.post("/webhooks/bsale/andes_outdoor?token=s3cret-hook", json=EVENT | {"resourceId": "1"})
    assert answer.json()["conf"] == {}


def test_bad_token_is_refused_and_nothing_runs(client):
    assert client.post("/webhooks/bsale/andes_outdoor?token=guess", json=EVENT).status_code == 401
    assert client.post("/webhooks/bsale/andes_outdoor", json=EVENT).status_code == 401
    assert client.created == {}


def test_non_catalog_topics_are_ignored(client):
    answer = client.post("/webhooks/bsale/andes_outdoor?token=s3cret-hook", json=EVENT | {"topic": "payment"})
    assert answer.json()["status"] == "ignored"


def test_ops_view_lists_tenants_reports_and_escapes(client):
    StateStore().write_report("andes_outdoor", "catalog_sync", "r1", "failed", {"pushed_stock": 3},
                              {"failures": ["<b>SKU-1</b>: refused"]})
    data = client.get("/ops.json").json()
    assert data["tenants"]["andes_outdoor"]["catalog_sync"]["counts"] == {"pushed_stock": 3}
    page = client.get("/ops").text
    assert "&lt;b&gt;SKU-1&lt;/b&gt;" in page and "<b>SKU-1</b>" not in page
