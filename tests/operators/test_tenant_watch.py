"""The watch DAG's pass: a broken tenant file and a quiet webhook source each mail once when they start
and once when they end, to a real local SMTP server, with no tenant run and nobody clicking."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from puente.operators.tenant_watch import watch_tenants, webhook_sources
from puente.state.source_events import SourceEvents
from puente.state.store import StateStore
from smtp_inbox import start_inbox

NOTIFY = """notify:
  email: [ops@{tenant}.example]
  smtp_conn_id: watch_smtp
  quiet_after_minutes: {quiet}
"""
NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def tenant_file(tenant: str, *, quiet: int = 30, broken: bool = False) -> str:
    erp = "vendor: shopifake" if broken else "vendor: bsale"
    return (f"tenant: {tenant}\nname: {tenant.title()} Store\ncountry: CL\ntimezone: America/Santiago\n"
            f"erp: {{{erp}, conn_id: {tenant}_bsale, office_id: 1, price_list_id: 2}}\n"
            f"channels:\n  - {{vendor: jumpseller, conn_id: {tenant}_jumpseller}}\n"
            + NOTIFY.format(tenant=tenant, quiet=quiet))


@pytest.fixture
def inbox(monkeypatch):
    found, controller = start_inbox()
    monkeypatch.setenv("AIRFLOW_CONN_WATCH_SMTP", json.dumps(found.connection()))
    yield found
    controller.stop()


@pytest.fixture
def tenants(tmp_path, monkeypatch):
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    return tmp_path


def test_a_broken_file_and_a_quiet_source_mail_once_each_way(inbox, tenants, state_url):
    store = StateStore(state_url)
    (tenants / "andes.yaml").write_text(tenant_file("andes"))
    (tenants / "sur.yaml").write_text(tenant_file("sur", broken=True))

    first = watch_tenants({}, now=NOW, store=store)
    assert first == {"andes": ["opened source_quiet/bsale", "opened source_quiet/jumpseller"],
                     "sur": ["opened config_error/sur.yaml"]}
    assert any("never received an event" in inbox.body(index) for index in range(len(inbox.messages)))
    assert watch_tenants({}, now=NOW + timedelta(minutes=5), store=store) == {}  # still open: no second mail

    SourceEvents(store).record("andes", "bsale", NOW + timedelta(minutes=9), "triggered", "stock")
    SourceEvents(store).record("andes", "jumpseller", NOW + timedelta(minutes=20), "triggered", "order_paid")
    (tenants / "sur.yaml").write_text(tenant_file("sur"))
    fixed = watch_tenants({}, now=NOW + timedelta(minutes=21), store=store)
    assert fixed == {"andes": ["cleared source_quiet/bsale", "cleared source_quiet/jumpseller"],
                     "sur": ["cleared config_error/sur.yaml", "opened source_quiet/bsale",
                             "opened source_quiet/jumpseller"]}
    quiet_again = watch_tenants({}, now=NOW + timedelta(minutes=40), store=store)
    assert quiet_again == {"andes": ["opened source_quiet/bsale"]}  # 31 minutes without an event; jumpseller 20
    assert len(inbox.messages) == 9
    assert [r for r in inbox.recipients if r != ["ops@andes.example"]] == [["ops@sur.example"]] * 4


def test_without_a_threshold_or_a_notify_block_nothing_is_watched(inbox, tenants, state_url):
    (tenants / "andes.yaml").write_text(tenant_file("andes").replace("  quiet_after_minutes: 30\n", ""))
    (tenants / "norte.yaml").write_text(tenant_file("norte").split("notify:")[0])
    assert watch_tenants({}, now=NOW, store=StateStore(state_url)) == {}
    assert inbox.messages == []


def test_only_vendors_that_send_webhooks_are_watched(tenants):
    from puente.config.loader import load_tenants

    (tenants / "andes.yaml").write_text(tenant_file("andes"))
    config = load_tenants([tenants / "andes.yaml"]).tenants["andes"]
    assert webhook_sources(config) == ["bsale", "jumpseller"]  # both plug-ins have a webhook receiver
