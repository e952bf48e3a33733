"""The last webhook event per tenant and source on SQLite and PostgreSQL: one row, counted, never moved
back by an event that arrives late; and a flow's last successful real run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from puente.state.source_events import SourceEvents
from puente.state.store import StateStore


def test_the_latest_event_wins_and_every_event_is_counted(state_url):
    events = SourceEvents(StateStore(state_url))
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    events.record("shop", "bsale", t0, "triggered", "stock")
    events.record("shop", "bsale", t0 + timedelta(minutes=5), "ignored", "payment")
    events.record("shop", "bsale", t0 + timedelta(minutes=1), "duplicate", "stock")  # arrives late
    events.record("other", "bsale", t0, "triggered", "x" * 100)
    [row] = events.rows("shop")
    assert (row["last_event_at"], row["outcome"], row["topic"], row["events"]) == (
        t0 + timedelta(minutes=5), "ignored", "payment", 3)
    assert len(events.rows("other")[0]["topic"]) == 64 and events.rows("nobody") == []


def test_last_success_ignores_failures_and_dry_runs(state_url):
    store = StateStore(state_url)
    events = SourceEvents(store)
    assert events.last_success("shop", "catalog_sync") is None
    store.write_report("shop", "catalog_sync", "ok", "success", {}, {})
    first = events.last_success("shop", "catalog_sync")
    store.write_report("shop", "catalog_sync", "bad", "failed", {}, {})
    store.write_report("shop", "catalog_sync", "dry", "success", {}, {}, dry_run=True)
    assert first is not None and first.tzinfo is not None
    assert events.last_success("shop", "catalog_sync") == first
