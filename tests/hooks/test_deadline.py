"""A caller's deadline (the console) bounds a hook's retries and socket waits; outside it nothing changes.
Against the scripted loopback server and a closed port (requests is never mocked)."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from puente.hooks import deadline
from puente.hooks.errors import TransientError
from puente.vendors.bsale.hook import BsaleHook
from scripted_server import Reply

TOKEN = "bsale-token-deadline"


class PatientBsale(BsaleHook):
    """A task's patience: many attempts, long backoffs (what a console request must not wait for)."""

    max_attempts = 6
    backoff_base = 2.0
    backoff_max = 30.0
    rate_limit_budgets = ()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_vendor_fails_within_the_deadline_instead_of_retrying_for_minutes(set_conn, limiter):
    set_conn("bsale_down", conn_type="bsale", host=f"http://127.0.0.1:{closed_port()}", password=TOKEN)
    hook = PatientBsale("bsale_down", limiter=limiter)
    started = time.monotonic()
    with deadline.within(1.5), pytest.raises(TransientError) as caught:
        hook.get("/v1/variants.json")
    assert time.monotonic() - started < 3.0
    assert caught.value.uncertain is False and hook.calls < PatientBsale.max_attempts


def test_a_slow_answer_is_cut_at_the_deadline_and_a_late_call_is_not_sent(server, set_conn, limiter):
    set_conn("bsale_slow", conn_type="bsale", host=server.base_url, password=TOKEN)
    hook = PatientBsale("bsale_slow", limiter=limiter)
    server.queue(Reply(200, {"late": True}, delay=3.0))
    started = time.monotonic()
    with deadline.within(1.0), pytest.raises(TransientError):
        hook.get("/v1/offices.json")
    assert time.monotonic() - started < 2.5
    with deadline.within(0.0), pytest.raises(TransientError) as caught:
        hook.post("/v1/documents.json", {"codeSii": 39})
    assert "not sent" in str(caught.value) and caught.value.uncertain is False
    assert [seen.path for seen in server.seen] == ["/v1/offices.json"]  # the POST never left


def test_without_a_deadline_a_healthy_call_is_unchanged_and_threads_keep_the_callers(server, set_conn, limiter):
    set_conn("bsale_ok", conn_type="bsale", host=server.base_url, password=TOKEN)
    hook = PatientBsale("bsale_ok", limiter=limiter)
    server.queue(Reply(200, {"items": []}))
    assert hook.get("/v1/variants.json") == {"items": []}
    assert deadline.remaining() is None
    with deadline.within(5.0), ThreadPoolExecutor(1) as pool:
        inherited = deadline.submit(pool, deadline.remaining).result()
        plain = pool.submit(deadline.remaining).result()
    assert inherited is not None and 0 < inherited <= 5.0 and plain is None


def test_a_write_already_sent_keeps_its_whole_timeout_so_its_outcome_stays_certain(server, set_conn, limiter):
    set_conn("bsale_write", conn_type="bsale", host=server.base_url, password=TOKEN)
    hook = PatientBsale("bsale_write", limiter=limiter)
    server.queue(Reply(201, {"id": 7}, delay=1.0))
    with deadline.within(0.3):
        assert hook.post("/v1/documents.json", {"codeSii": 39}) == {"id": 7}  # not cut into an uncertain outcome
