"""Sending incident notices: a real local SMTP server; a dead one delays the notice, never fails the run."""

from __future__ import annotations

import json

import pytest

from puente.config.notify import NotifySettings
from puente.operators.notify import notify_catalog, notify_incidents
from puente.rules.incidents import Observation
from puente.state.incidents import Incidents
from puente.state.store import StateStore
from smtp_inbox import free_port, start_inbox

NOTIFY = NotifySettings(email=["ops@acme.example"], smtp_conn_id="notify_smtp")
SCOPE = ("vendor_outage/invoicing/",)
DOWN = Observation("vendor_outage", "invoicing/bsale_acme", 3, "3 orders failed", ("order 1: HTTP 503",))
UP = Observation("vendor_outage", "invoicing/bsale_acme", 0)


@pytest.fixture
def inbox(monkeypatch):
    found, controller = start_inbox()
    monkeypatch.setenv("AIRFLOW_CONN_NOTIFY_SMTP", json.dumps(found.connection()))
    yield found
    controller.stop()


def test_an_outage_mails_once_and_its_end_once(inbox, state_url):
    store = StateStore(state_url)
    assert notify_incidents(NOTIFY, "acme", "Acme", [DOWN], SCOPE, {}, store=store)["sent"] == [
        "opened vendor_outage/invoicing/bsale_acme"]
    assert notify_incidents(NOTIFY, "acme", "Acme", [DOWN], SCOPE, {}, store=store)["sent"] == []
    assert notify_incidents(NOTIFY, "acme", "Acme", [UP], SCOPE, {}, store=store)["sent"] == [
        "cleared vendor_outage/invoicing/bsale_acme"]
    assert [len(r) for r in inbox.recipients] == [1, 1] and "HTTP 503" in inbox.body(0)
    assert "/puente/api/tenants/acme/health" in inbox.body(0)


def test_a_dead_smtp_server_delays_the_notice_to_the_next_run(monkeypatch, state_url, caplog):
    store = StateStore(state_url)
    dead = {"conn_type": "smtp", "host": "127.0.0.1", "port": free_port(), "password": "s3cret-pass",
            "login": "puente", "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "p@acme.example",
                                         "retry_limit": 0, "timeout": 2}}
    monkeypatch.setenv("AIRFLOW_CONN_NOTIFY_SMTP", json.dumps(dead))
    outcome = notify_incidents(NOTIFY, "acme", "Acme", [DOWN], SCOPE, {}, store=store)
    assert outcome == {"sent": [], "failed": ["opened vendor_outage/invoicing/bsale_acme"]}
    assert "s3cret-pass" not in caplog.text
    assert [row["notice"] for row in Incidents(store).owed("acme")] == ["opened"]

    inbox, controller = start_inbox()
    try:
        monkeypatch.setenv("AIRFLOW_CONN_NOTIFY_SMTP", json.dumps(inbox.connection()))
        outcome = notify_incidents(NOTIFY, "acme", "Acme", [DOWN], SCOPE, {}, store=store)
    finally:
        controller.stop()
    assert outcome["sent"] == ["opened vendor_outage/invoicing/bsale_acme"] and len(inbox.messages) == 1


def test_a_missing_connection_or_no_notify_block_never_raises(monkeypatch, state_url):
    store = StateStore(state_url)
    monkeypatch.delenv("AIRFLOW_CONN_NOTIFY_SMTP", raising=False)
    assert notify_incidents(NOTIFY, "acme", "Acme", [DOWN], SCOPE, {}, store=store)["failed"]
    assert notify_incidents(None, "other", "Other", [DOWN], SCOPE, {}, store=store) == {"sent": [], "failed": []}
    assert Incidents(store).rows("other") == []


def test_a_catalog_channel_that_stopped_is_an_outage_and_a_healthy_one_clears_it(inbox, state_url):
    store = StateStore(state_url)
    stopped = {"js_acme": {"details": {"error": "TransientError('HTTP 503 from jumpseller')"}}}
    assert notify_catalog(NOTIFY, "acme", "Acme", stopped, {}, store=store)["sent"] == [
        "opened vendor_outage/catalog_sync/js_acme"]
    assert notify_catalog(NOTIFY, "acme", "Acme", {"js_acme": None}, {}, store=store)["sent"] == []
    assert notify_catalog(NOTIFY, "acme", "Acme", {"js_acme": {"details": {}}}, {}, store=store)["sent"] == [
        "cleared vendor_outage/catalog_sync/js_acme"]
    assert "HTTP 503 from jumpseller" in inbox.body(0)


def test_invoicing_tells_orders_needing_a_person_from_a_transient_erp_outage(state_url):
    from datetime import UTC, datetime, timedelta

    from puente.operators.notify import invoicing_observations
    from puente.state.tables import invoice_ledger

    store = StateStore(state_url)
    now = datetime.now(UTC)
    base = {"tenant": "acme", "channel": "js", "attempts": 1, "attached": False, "attach_attempts": 0,
            "updated_at": now, "status": "error"}
    with store.engine.begin() as conn:
        conn.execute(invoice_ledger.insert(), [
            base | {"order_id": "1", "category": "unlinked_sku", "reason": "SKU X not synced"},
            base | {"order_id": "2", "category": "transient", "reason": "HTTP 503 from Bsale"},
            base | {"order_id": "3", "category": "transient", "reason": "HTTP 503 from Bsale"},
            base | {"order_id": "4", "status": "invoiced", "category": None, "reason": None},
        ])
    found = {o.key: o for o in invoicing_observations("acme", timedelta(minutes=30), ["js", "ml"],
                                                      {"js": True, "ml": False}, "bsale_acme", store=store)}
    assert found["orders_need_person/invoicing"].count == 1
    assert found["orders_need_person/invoicing"].samples == ("order 1 on js: [unlinked_sku] SKU X not synced",)
    assert found["vendor_outage/invoicing/bsale_acme"].count == 2
    assert (found["vendor_outage/invoicing/js"].count, found["vendor_outage/invoicing/ml"].count) == (0, 1)
