"""The attention query on SQLite and PostgreSQL: per-tenant leases, filters and a literal prefix search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from puente.state.attention import attention_page
from puente.state.store import StateStore
from puente.state.tables import invoice_ledger


def test_each_tenant_s_own_lease_decides_when_a_pending_order_needs_a_person(state_url):
    store = StateStore(state_url)
    now = datetime.now(UTC)
    ten_minutes_ago = now - timedelta(minutes=10)
    base = {"channel": "js", "attempts": 1, "attached": False, "attach_attempts": 0, "updated_at": now,
            "category": None, "reason": None, "claim": "r/0"}
    with store.engine.begin() as conn:
        conn.execute(invoice_ledger.insert(), [
            base | {"tenant": "short", "order_id": "A_1", "status": "pending", "claimed_at": ten_minutes_ago},
            base | {"tenant": "long", "order_id": "B_1", "status": "pending", "claimed_at": ten_minutes_ago},
            base | {"tenant": "long", "order_id": "B%2", "status": "error", "claimed_at": None, "category": "no_stock"},
        ])
    leases = {"short": timedelta(minutes=5), "long": timedelta(minutes=60)}
    page = attention_page(leases, store=store, now=now)
    assert sorted(row["order_id"] for row in page.rows) == ["A_1", "B%2"] and page.total == 2
    assert [r["order_id"] for r in attention_page(leases, store=store, now=now, order_id="B%").rows] == ["B%2"]
    assert attention_page(leases, store=store, now=now, order_id="A%").total == 0
    assert attention_page(leases, store=store, now=now, category="no_stock").total == 1
    assert attention_page({}, store=store).total == 0
