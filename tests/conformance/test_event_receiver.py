"""Every event receiver (a vendor's webhooks): an authentic event starts one run and its re-delivery
none; a forged one, and hostile bodies however authentic, are a 4xx that starts nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from conformance_kit import harness_of, vendors_with
from fastapi.testclient import TestClient

from puente.web.app import create_app

VENDORS = vendors_with("event_receiver")
NOW = 1_900_000_000
HOSTILE = [b"", b"[", b"[]", b'"stock"', b"\xff\xfe", b"{" * 5000, json.dumps({"topic": "stock"}).encode(),
           b"x" * (1024 * 1024 + 1)]


@pytest.fixture
def receiver(monkeypatch, tmp_path):
    """The webhook app over one tenant of the vendor, with a trigger that records the runs asked for."""

    def make(vendor: str):
        config, connections = harness_of(vendor).webhook_tenant("hooked")
        tenants = tmp_path / "tenants"
        tenants.mkdir(exist_ok=True)
        (tenants / "hooked.yaml").write_text(yaml.safe_dump(config))
        monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
        monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
        for conn_id, fields in connections.items():
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        runs: dict[str, str] = {}

        def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
            """Like Airflow: a run id it already has is not created again."""
            if run_id in runs:
                return False
            runs[run_id] = dag_id
            return True

        client = TestClient(create_app(trigger=trigger, clock=lambda: NOW), raise_server_exceptions=False)
        post = lambda **delivery: client.post(f"/webhooks/{vendor}/hooked", **delivery)  # noqa: E731
        return post, runs

    return make


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_authentic_event_starts_one_run_and_a_redelivery_none(vendor, receiver):
    post, runs = receiver(vendor)
    delivery = harness_of(vendor).webhook_event("hooked", NOW)
    first, again = post(**delivery), post(**delivery)
    assert first.status_code == 200 and first.json()["status"] == "triggered", first.text
    assert again.status_code == 200 and again.json()["status"] == "duplicate", again.text
    assert len(runs) == 1 and next(iter(runs.values())).startswith("hooked__")


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_forged_event_is_refused(vendor, receiver):
    post, runs = receiver(vendor)
    answer = post(**harness_of(vendor).webhook_event("hooked", NOW, authentic=False))
    assert answer.status_code in (401, 403) and answer.json()["detail"]
    assert runs == {}


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("body", HOSTILE, ids=lambda body: f"{len(body)}B")
def test_hostile_bodies_are_a_4xx_with_a_reason(vendor, body, receiver):
    post, runs = receiver(vendor)
    answer = post(**harness_of(vendor).webhook_event("hooked", NOW, body=body))
    assert 400 <= answer.status_code < 500 and answer.json()["detail"], answer.text
    assert runs == {}
