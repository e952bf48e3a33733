"""Questions in Airflow's Required Actions: each waiting order is asked once, until it waits again."""

from __future__ import annotations

from datetime import timedelta

from test_settle_orders import ledger

from puente.order_decisions import settle_order
from puente.state.decision_requests import DecisionRequests

__all__ = ["ledger"]  # the fixture
LEASE = timedelta(minutes=30)


def test_each_waiting_order_is_asked_once_until_it_waits_again(ledger):
    requests = DecisionRequests(ledger.store)
    first = requests.ask("shop", "d1", limit=2)
    assert [row["order_id"] for row in first] == ["2", "3"]  # oldest first, bounded
    assert [row["order_id"] for row in requests.ask("shop", "d2", limit=10)] == ["4", "5"]
    assert requests.ask("shop", "d3", limit=10) == []
    settle_order("shop", "2", "send", by="cli:bo", ledger=ledger)
    requests.close("shop", "js", "2")
    requests.forget("shop", "js", "4")  # "decide later"
    assert [row["order_id"] for row in requests.ask("shop", "d4", limit=10)] == ["4"]
    ledger.claim("shop", "js", "2", "run3/0", lease=LEASE)  # sent again, and uncertain again
    ledger.finish("shop", "js", "2", "run3/0", "uncertain", reason="timeout after send")
    assert [row["order_id"] for row in requests.ask("shop", "d5", limit=10)] == ["2"]
    assert [row["order_id"] for row in requests.taken("shop", "d5")] == ["2"]  # what the run d5 asks
    settle_order("shop", "2", "skip", reason="test", by="cli:bo", ledger=ledger)
    assert requests.taken("shop", "d5") == []  # settled before the run asked: nothing to ask
