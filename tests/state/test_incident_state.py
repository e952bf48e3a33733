"""Incident transitions in state, on SQLite and PostgreSQL (``state_url``): each one won once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from puente.rules.incidents import Observation
from puente.state.incidents import Incidents
from puente.state.store import StateStore

NEED = Observation("orders_need_person", "invoicing", 5, "5 orders", ("order 1: SKU X",))


def test_open_refresh_clear_reopen_each_owe_one_message(state_url):
    incidents = Incidents(StateStore(state_url))
    assert incidents.open("t1", NEED) and not incidents.open("t1", NEED)
    assert incidents.open_keys("t1") == {"orders_need_person/invoicing"} and incidents.open_keys("t2") == set()
    assert [(r["key"], r["notice"]) for r in incidents.owed("t1")] == [("orders_need_person/invoicing", "opened")]
    assert incidents.take_notice("t1", NEED.key, "opened") and not incidents.take_notice("t1", NEED.key, "opened")
    incidents.refresh("t1", Observation("orders_need_person", "invoicing", 7, "7 orders"))
    assert incidents.owed("t1") == [] and incidents.rows("t1")[0]["count"] == 7
    assert incidents.clear("t1", NEED.key) and not incidents.clear("t1", NEED.key)
    assert [r["notice"] for r in incidents.owed("t1")] == ["cleared"]
    assert incidents.take_notice("t1", NEED.key, "cleared")
    assert incidents.open("t1", NEED)  # it came back: a new opening, a new message
    row = incidents.rows("t1")[0]
    assert row["status"] == "open" and row["notice"] == "opened" and row["cleared_at"] is None


def test_a_failed_send_is_owed_again_and_a_never_announced_incident_clears_silently(state_url):
    incidents = Incidents(StateStore(state_url))
    incidents.open("t1", NEED)
    assert incidents.take_notice("t1", NEED.key, "opened")
    incidents.give_back_notice("t1", NEED.key, "opened")  # SMTP was down
    assert [r["notice"] for r in incidents.owed("t1")] == ["opened"]
    assert incidents.clear("t1", NEED.key)  # cleared before anyone heard of it: nothing to say
    assert incidents.owed("t1") == []


def test_two_runs_at_once_open_announce_and_clear_it_exactly_once(state_url):
    store = StateStore(state_url)

    def race(call) -> list[bool]:
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda _: call(Incidents(store)), range(8)))

    assert race(lambda incidents: incidents.open("t1", NEED)).count(True) == 1
    assert race(lambda incidents: incidents.take_notice("t1", NEED.key, "opened")).count(True) == 1
    assert race(lambda incidents: incidents.clear("t1", NEED.key)).count(True) == 1
    assert race(lambda incidents: incidents.take_notice("t1", NEED.key, "cleared")).count(True) == 1
