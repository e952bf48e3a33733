"""Who holds a pending order, and when a person may take its claim back."""

from datetime import UTC, datetime, timedelta

import pytest

from puente.rules.claims import Holder, held_message, parse_claim, release_refusal, split_unfinished

AT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def test_claims_name_their_run_and_map_index():
    assert parse_claim("scheduled__2026-12-07T05:00:00+00:00/3") == Holder("scheduled__2026-12-07T05:00:00+00:00", 3)
    assert parse_claim("run/with/slashes/-1") == Holder("run/with/slashes", -1)
    assert parse_claim(None) is None and parse_claim("") is None and parse_claim("worker7") is None
    assert parse_claim("run/x") is None


@pytest.mark.parametrize("state", ["failed", "success", "upstream_failed", "skipped", "removed"])
def test_a_task_airflow_says_is_over_may_be_released(state):
    assert release_refusal(state, found=True) is None


@pytest.mark.parametrize("state", ["running", "queued", "scheduled", "up_for_retry", "restarting", "deferred", None])
def test_a_task_that_may_still_send_is_never_released(state):
    assert "settles the order" in release_refusal(state, found=True)


def test_a_task_airflow_does_not_know_is_not_released():
    assert "nothing proves it stopped" in release_refusal(None, found=False)
    assert "does not prove" in release_refusal("some_new_state", found=True)


def test_pending_rows_of_another_run_are_held_not_this_runs_failure():
    rows = [{"status": "pending", "claim": "old/0"}, {"status": "pending", "claim": "old/0"},
            {"status": "pending", "claim": "this/1"}, {"status": "queued", "claim": None},
            {"status": "pending", "claim": None}, {"status": "invoiced", "claim": "old/0"}]
    unfinished = split_unfinished(rows, "this")
    assert unfinished.held_count == 2 and list(unfinished.held) == ["old/0"]
    assert len(unfinished.own) == 3  # its own claim, never claimed, released but not yet retaken


def test_the_held_message_says_who_until_when_and_what_to_do():
    line = held_message(12, Holder("r1", 3), "invoice__js", AT + timedelta(minutes=30), "failed", True,
                        "puente orders release t --claim r1/3 --reason ...")
    assert line.startswith("12 order(s) are held by run r1 (invoice__js[3], failed in Airflow)")
    assert "lease ends 2026-12-07T06:30:00+00:00" in line and "puente orders release" in line
    running = held_message(2, Holder("r2", 0), "invoice__js", None, "running", True, "cmd")
    assert "running" in running and "cmd" not in running and "no lease end recorded" in running
