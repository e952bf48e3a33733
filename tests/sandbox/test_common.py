"""Shared machinery on a fake clock: sliding windows, accounting maxima, limiter, fault dice."""

from __future__ import annotations

import pytest

from puente_sandbox.common import FaultConfig, FaultInjector, RequestAccounting, SlidingWindowRateLimiter
from puente_sandbox.common.windows import SlidingWindow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_is_half_open() -> None:
    window = SlidingWindow(1.0)
    assert window.add(10.0) == 1
    assert window.add(10.5) == 2
    assert window.add(11.0) == 2  # the request at 10.0 is exactly 1 s old: out of (10.0, 11.0]
    assert window.seconds_until_below(11.2, 1) == pytest.approx(0.8)  # until the 11.0 request expires
    assert window.count(11.6) == 1
    assert window.count(12.0) == 0


def test_accounting_tracks_max_in_1s_and_60s_windows() -> None:
    clock = FakeClock()
    accounting = RequestAccounting(clock=clock)
    for _ in range(15):  # 15 requests in 0.75 s
        accounting.record_arrival("GET /x")
        clock.now += 0.05
    clock.now += 5
    for _ in range(10):  # a slower burst: 10 in 2 s
        accounting.record_arrival("GET /y")
        clock.now += 0.2
    assert accounting.max_in_window(1.0) == 15
    assert accounting.max_in_window(60.0) == 25
    clock.now += 61
    accounting.record_arrival("GET /x")
    assert accounting.max_in_window(60.0) == 25  # a maximum is never forgotten until reset
    snap = accounting.snapshot()
    assert snap["total_requests"] == 26
    assert snap["by_route"] == {"GET /x": 16, "GET /y": 10}
    assert snap["max_requests_in_1s"] == 15 and snap["max_requests_in_60s"] == 25
    accounting.reset()
    assert accounting.snapshot()["max_requests_in_1s"] == 0


def test_limiter_enforces_every_budget_and_counts_rejections() -> None:
    clock = FakeClock()
    limiter = SlidingWindowRateLimiter([(3, 1.0), (5, 60.0)], clock=clock)
    assert [limiter.hit().allowed for _ in range(4)] == [True, True, True, False]
    rejected = limiter.hit()
    assert not rejected.allowed
    assert rejected.budget(1.0).remaining == 0
    assert rejected.retry_after_header == "1"
    clock.now += 1.01  # per-second window is clear, but rejected requests still count per minute
    decision = limiter.hit()
    assert not decision.allowed and decision.budget(1.0).remaining == 2
    assert decision.retry_after_s > 55


def test_limiter_rejects_bad_budgets() -> None:
    with pytest.raises(ValueError):
        SlidingWindowRateLimiter([])
    with pytest.raises(ValueError):
        SlidingWindowRateLimiter([(0, 1.0)])


def test_fault_dice_are_seeded_and_lost_responses_only_hit_writes() -> None:
    config = FaultConfig(rate_5xx=0.3, lost_response_rate=0.5, seed=42)
    injector_a, injector_b = FaultInjector(config), FaultInjector(config)
    plans_a = [injector_a.plan(m) for m in ["GET", "PUT", "POST", "GET"] * 25]
    plans_b = [injector_b.plan(m) for m in ["GET", "PUT", "POST", "GET"] * 25]
    assert plans_a == plans_b
    assert any(p.inject_5xx for p in plans_a)
    assert any(p.lose_response for p in plans_a)
    assert not any(
        p.lose_response
        for p, m in zip(plans_a, ["GET", "PUT", "POST", "GET"] * 25, strict=True)
        if m == "GET"
    )
    assert not any(p.lose_response and p.inject_5xx for p in plans_a)


def test_fault_config_validates_rates() -> None:
    with pytest.raises(ValueError):
        FaultConfig(rate_5xx=1.5)
    with pytest.raises(ValueError):
        FaultConfig.model_validate({"rate_5xx": 0.1, "unknown": 1})
