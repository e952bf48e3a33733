"""Every vendor's hook: a connection test that tells good from bad credentials with the vendor's
reason, 429s (with the vendor's wait hint) and 5xx retried a bounded number of times, and no
credential in any log line."""

from __future__ import annotations

import logging
import re
import time

import pytest
from conformance_kit import harness_of, hook_class, vendors_with

VENDORS = vendors_with(None)
ATTEMPTS = 3  # the hooks' own number is larger; fewer keeps the always-failing cases short


@pytest.fixture
def hook(connect, quick_retries, limiter, monkeypatch):
    def make(vendor: str, handle, *, good: bool = True):
        cls = quick_retries(hook_class(vendor))
        monkeypatch.setattr(cls, "max_attempts", ATTEMPTS)
        return cls(connect(vendor, handle, good=good), limiter=limiter)

    return make


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_connection_test_tells_good_from_bad_credentials(vendor, hook):
    with harness_of(vendor).serve() as handle:
        ok, message = hook(vendor, handle).test_connection()
        assert ok, message
        ok, message = hook(vendor, handle, good=False).test_connection()
    assert not ok
    assert re.search(r"\b4\d\d\b", message), message  # the vendor's own refusal (401, or OAuth's 400), not a guess


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_429_is_waited_out_and_retried(vendor, hook):
    with harness_of(vendor).serve(faults={"rate_429": 0.5, "seed": 1}) as handle:  # the first request: 429
        ok, message = hook(vendor, handle).test_connection()
        counters = handle.counters()
    assert ok, message
    assert counters["faults_injected"]["429"] >= 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_429_and_5xx_without_end_give_up_after_bounded_attempts(vendor, hook):
    for fault in ("rate_429", "rate_5xx"):
        with harness_of(vendor).serve(faults={fault: 1.0}) as handle:
            started = time.monotonic()
            ok, message = hook(vendor, handle).test_connection()
            requests = handle.counters()["total_requests"]
        assert not ok, f"{fault}: {message}"
        assert 1 <= requests <= ATTEMPTS, f"{fault}: {requests} requests"
        assert time.monotonic() - started < 120


@pytest.mark.parametrize("vendor", VENDORS)
def test_no_credential_reaches_a_log_line(vendor, hook, caplog):
    caplog.set_level(logging.DEBUG)
    harness = harness_of(vendor)
    with harness.serve(faults={"rate_5xx": 0.5, "seed": 3}) as handle:
        hook(vendor, handle).test_connection()
        hook(vendor, handle, good=False).test_connection()
    logged = caplog.text + "".join(repr(record.args) for record in caplog.records)
    assert harness.secrets and not [secret for secret in harness.secrets if secret in logged]
