"""Rate limits over real HTTP: Jumpseller's 20/s and 800/min, Bsale's optional limit, and the
counters that let a test prove a client never exceeded a budget."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import requests

from puente_sandbox import CatalogScenario, SandboxHandle
from puente_sandbox.stack import run_sandbox


def test_burst_over_20_per_second_gets_bodyless_429s(jumpseller_sandbox: SandboxHandle) -> None:
    api = jumpseller_sandbox.client()
    url = jumpseller_sandbox.url("/v1/products/count.json")
    responses: list[requests.Response] = []
    while len(responses) < 200 and not any(r.status_code == 429 for r in responses[-5:]):
        responses.append(api.get(url, timeout=10))  # back to back: ~1 ms each on loopback
    responses += [api.get(url, timeout=10) for _ in range(3)]
    statuses = [r.status_code for r in responses]
    assert statuses[:20] == [200] * 20  # no window can hold more than these 20
    assert 429 in statuses, "back-to-back requests must trip the 20/s budget"
    throttled = next(r for r in responses if r.status_code == 429)
    assert throttled.content == b""
    assert "Retry-After" not in throttled.headers
    assert throttled.headers["Jumpseller-PerSecondRateLimit-Limit"] == "20"
    assert throttled.headers["Jumpseller-PerSecondRateLimit-Remaining"] == "0"
    assert throttled.headers["Jumpseller-PerMinuteRateLimit-Limit"] == "800"
    ok = responses[0]
    assert ok.headers["Jumpseller-PerSecondRateLimit-Remaining"] == "19"
    assert ok.headers["Jumpseller-PerMinuteRateLimit-Remaining"] == "799"
    counters = jumpseller_sandbox.counters()
    assert counters["rate_limited"] == statuses.count(429)
    assert counters["by_status"]["429"] == statuses.count(429)
    assert counters["max_requests_in_1s"] > 20  # rejected requests count too
    assert counters["max_requests_in_60s"] == len(responses)
    assert counters["by_route"] == {"GET /v1/products/count.json": len(responses)}
    reset = jumpseller_sandbox.reset_counters()
    assert reset["total_requests"] == 0 and reset["max_requests_in_1s"] == 0
    assert api.get(url, timeout=10).status_code == 200  # reset also clears the limiter windows


def test_paced_client_never_exceeds_20_per_second(jumpseller_sandbox: SandboxHandle) -> None:
    api = jumpseller_sandbox.client()
    url = jumpseller_sandbox.url("/v1/products/count.json")
    done: deque[float] = deque(maxlen=20)  # completion times of the last 20 requests
    statuses = []
    for _ in range(26):
        if len(done) == 20:
            time.sleep(max(0.0, done[0] + 1.0 - time.monotonic()))
        statuses.append(api.get(url, timeout=10).status_code)
        done.append(time.monotonic())
    assert set(statuses) == {200}
    counters = jumpseller_sandbox.counters()
    assert counters["max_requests_in_1s"] == 20
    assert counters["max_requests_in_60s"] == 26


def test_per_minute_budget_is_enforced(catalog_scenario: CatalogScenario) -> None:
    with run_sandbox("jumpseller", catalog_scenario, rate_limits=[(100, 1.0), (30, 60.0)]) as sandbox:
        api = sandbox.client()
        responses = [api.get(sandbox.url("/v1/store/info.json"), timeout=10) for _ in range(32)]
        assert [r.status_code for r in responses] == [200] * 30 + [429] * 2
        assert responses[29].headers["Jumpseller-PerMinuteRateLimit-Remaining"] == "0"
        assert responses[0].headers["Jumpseller-PerSecondRateLimit-Limit"] == "100"


def test_bsale_has_no_limit_by_default(bsale_sandbox: SandboxHandle) -> None:
    api = bsale_sandbox.client()
    statuses = {api.get(bsale_sandbox.url("/v1/offices.json"), timeout=10).status_code for _ in range(30)}
    assert statuses == {200}
    assert bsale_sandbox.counters()["rate_limits"] == []


def test_bsale_configured_limit_answers_429_with_retry_after(catalog_scenario: CatalogScenario) -> None:
    with run_sandbox("bsale", catalog_scenario, rate_limits=[(5, 60.0)]) as sandbox:
        api = sandbox.client()
        responses = [api.get(sandbox.url("/v1/offices.json"), timeout=10) for _ in range(6)]
        assert [r.status_code for r in responses] == [200] * 5 + [429]
        throttled: Any = responses[-1]
        assert 55 <= int(throttled.headers["Retry-After"]) <= 60
        assert set(throttled.json()) == {"error"}


def test_inspection_routes_are_never_counted_or_limited(jumpseller_sandbox: SandboxHandle) -> None:
    for _ in range(30):
        assert requests.get(jumpseller_sandbox.url("/_sandbox/health"), timeout=10).status_code == 200
    counters = jumpseller_sandbox.counters()
    assert counters["total_requests"] == 0 and counters["rate_limited"] == 0
