"""Status -> action table, backoff strategy and wait-hint parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from puente.hooks.retry import (
    DEFAULT_STATUS_ACTIONS,
    Action,
    ExponentialBackoff,
    action_for,
    parse_retry_after,
    seconds_until_iso,
)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (200, Action.OK),
        (201, Action.OK),
        (204, Action.OK),
        (304, Action.OK),
        (429, Action.WAIT),
        (401, Action.AUTH),
        (403, Action.AUTH),
        (404, Action.NOT_FOUND),
        (400, Action.FAIL),
        (402, Action.FAIL),
        (422, Action.FAIL),
        (408, Action.BACKOFF),
        (500, Action.BACKOFF),
        (502, Action.BACKOFF),
        (503, Action.BACKOFF),
        (599, Action.BACKOFF),
        (999, Action.FAIL),
    ],
)
def test_default_table(status: int, action: Action) -> None:
    assert action_for(status, DEFAULT_STATUS_ACTIONS) is action


def test_exact_codes_override_classes() -> None:
    table = {**DEFAULT_STATUS_ACTIONS, 500: Action.WAIT}
    assert action_for(500, table) is Action.WAIT
    assert action_for(502, table) is Action.BACKOFF


def test_backoff_grows_and_is_capped() -> None:
    backoff = ExponentialBackoff(base=0.5, maximum=4.0)
    for attempt in range(1, 12):
        for _ in range(50):
            wait = backoff.wait(attempt)
            assert 0.25 <= wait <= min(4.0, 0.5 * 2 ** (attempt - 1))


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_iso_reset() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert seconds_until_iso("2026-01-01T12:01:00Z", now=now) == 60.0
    assert seconds_until_iso("2026-01-01T12:00:10+00:00", now=now) == 10.0
    assert seconds_until_iso("garbage", now=now) is None
