"""PuenteHttpHook transport against a real loopback HTTP server (requests is never mocked)."""

from __future__ import annotations

import base64
import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError
from puente.vendors.bsale.hook import BsaleHook
from puente.vendors.jumpseller.hook import JumpsellerHook
from scripted_server import Reply

TOKEN = "bsale-token-5b1d9c"
JS_LOGIN, JS_TOKEN = "mystore", "js-authtoken-0123456789abcdef"


class FastBsale(BsaleHook):
    backoff_base = 0.01
    backoff_max = 0.02
    rate_limit_budgets = ()


class FastJumpseller(JumpsellerHook):
    backoff_base = 0.01
    backoff_max = 0.02
    per_second_exhausted_wait = 0.3


class RecordingLimiter:
    def __init__(self) -> None:
        self.acquired: list[tuple[str, tuple]] = []
        self.server_waits: list[tuple[str, float]] = []

    def acquire(self, key: str, budgets) -> float:
        self.acquired.append((key, tuple(budgets)))
        return 0.0

    def note_server_wait(self, key: str, seconds: float) -> None:
        self.server_waits.append((key, seconds))


@pytest.fixture
def bsale(server, set_conn, limiter) -> FastBsale:
    set_conn("bsale_t", conn_type="bsale", host=server.base_url, password=TOKEN)
    return FastBsale("bsale_t", limiter=limiter)


@pytest.fixture
def jumpseller(server, set_conn, limiter) -> FastJumpseller:
    set_conn("js_t", conn_type="jumpseller", host=server.base_url, login=JS_LOGIN, password=JS_TOKEN)
    return FastJumpseller("js_t", limiter=limiter)


# -------------------------------------------------------------------------- auth and headers
def test_bsale_sends_access_token_header(bsale, server) -> None:
    bsale.get("/v1/offices.json", {"limit": 1})
    assert server.seen[0].headers["access_token"] == TOKEN
    assert "authorization" not in server.seen[0].headers


def test_jumpseller_sends_basic_auth(jumpseller, server) -> None:
    jumpseller.get_store_info()
    expected = base64.b64encode(f"{JS_LOGIN}:{JS_TOKEN}".encode()).decode()
    assert server.seen[0].headers["authorization"] == f"Basic {expected}"
    assert server.seen[0].path == "/v1/store/info.json"


def test_extras_are_never_sent_as_headers(server, set_conn, limiter) -> None:
    set_conn(
        "bsale_x",
        conn_type="bsale",
        host=server.base_url,
        password=TOKEN,
        extra={"company": "ACME SpA", "country": "CL", "api_version": "v1", "timeout": 5, "verify": "false"},
    )
    FastBsale("bsale_x", limiter=limiter).get("/v1/offices.json")
    headers = set(server.seen[0].headers)
    assert headers == {"host", "user-agent", "accept-encoding", "accept", "connection", "access_token"}


def test_vendor_extras_read_in_both_forms(server, set_conn, limiter) -> None:
    set_conn(
        "js_x",
        conn_type="jumpseller",
        host=server.base_url,
        login=JS_LOGIN,
        password=JS_TOKEN,
        extra={"extra__jumpseller__rate_limit_per_second": "5", "rate_limit_per_minute": 0},
    )
    hook = JumpsellerHook("js_x", limiter=limiter)
    assert hook.rate_budgets() == ((5, 1.0),)  # per-minute disabled by 0


def test_session_and_connection_are_reused(bsale, server, monkeypatch) -> None:
    reads: list[str] = []
    original = FastBsale.get_connection.__func__

    def counting(cls, conn_id: str):
        reads.append(conn_id)
        return original(cls, conn_id)

    monkeypatch.setattr(FastBsale, "get_connection", classmethod(counting))
    for _ in range(3):
        bsale.get("/v1/offices.json")
    assert reads == ["bsale_t"]
    assert len({seen.client_port for seen in server.seen}) == 1  # one kept-alive connection


def test_rate_limit_key_identifies_account_without_secret(server, set_conn, limiter) -> None:
    set_conn("js_a", conn_type="jumpseller", host=server.base_url, login="store-a", password=JS_TOKEN)
    set_conn("js_b", conn_type="jumpseller", host=server.base_url, login="store-b", password=JS_TOKEN)
    key_a = JumpsellerHook("js_a", limiter=limiter).rate_limit_key()
    key_b = JumpsellerHook("js_b", limiter=limiter).rate_limit_key()
    assert key_a != key_b
    assert key_a.startswith("jumpseller:127.0.0.1:")
    assert JS_TOKEN not in key_a and "store-a" not in key_a


def test_limiter_is_acquired_before_every_send(server, set_conn) -> None:
    set_conn("js_r", conn_type="jumpseller", host=server.base_url, login=JS_LOGIN, password=JS_TOKEN)
    recorder = RecordingLimiter()
    hook = FastJumpseller("js_r", limiter=recorder)
    server.queue(Reply(503, {"message": "busy"}), Reply(200, {"count": 3}))
    assert hook.count_products() == 3
    assert len(recorder.acquired) == hook.calls == 2
    assert recorder.acquired[0] == (hook.rate_limit_key(), ((20, 1.0), (800, 60.0)))


# ------------------------------------------------------------------------------ rate limits
def test_429_retry_after_seconds_is_honoured(bsale, server) -> None:
    server.queue(Reply(429, {"error": "slow down"}, {"Retry-After": "1"}), Reply(200, {"id": 1}))
    assert bsale.get("/v1/offices/1.json") == {"id": 1}
    gap = server.seen[1].at - server.seen[0].at
    assert 0.95 <= gap < 1.5
    assert (bsale.calls, bsale.retries, bsale.rate_limited) == (2, 1, 1)


def test_429_on_post_is_retried_because_nothing_was_done(bsale, server) -> None:
    server.queue(Reply(429, None, {"Retry-After": "0.1"}), Reply(201, {"id": 7}))
    assert bsale.post("/v1/documents.json", {"salesId": "A-1"}) == {"id": 7}
    assert bsale.calls == 2


def test_jumpseller_remaining_header_sets_the_wait(jumpseller, server) -> None:
    throttled = {
        "Jumpseller-PerSecondRateLimit-Remaining": "0",
        "Jumpseller-PerMinuteRateLimit-Remaining": "700",
    }
    server.queue(Reply(429, {"message": "Too Many Requests"}, throttled), Reply(200, {"count": 1}))
    assert jumpseller.count_products() == 1
    assert 0.28 <= server.seen[1].at - server.seen[0].at < 0.8


def test_jumpseller_ban_reset_sets_the_wait(jumpseller, server) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=0.6)).isoformat()
    server.queue(Reply(429, None, {"Jumpseller-BannedByRateLimit-Reset": reset}), Reply(200, {"count": 1}))
    assert jumpseller.count_products() == 1
    assert 0.4 <= server.seen[1].at - server.seen[0].at < 1.2


def test_wait_beyond_max_total_wait_raises_rate_limited(bsale, server) -> None:
    server.queue(Reply(429, {"error": "quota exceeded"}, {"Retry-After": "3600"}))
    with pytest.raises(RateLimited) as caught:
        bsale.get("/v1/offices.json")
    assert caught.value.retry_after == 3600
    assert caught.value.status == 429 and caught.value.vendor_message == "quota exceeded"
    assert bsale.calls == 1


def test_server_wait_is_shared_with_other_hooks_of_the_account(server, set_conn, limiter) -> None:
    set_conn("bsale_s", conn_type="bsale", host=server.base_url, password=TOKEN)
    first, second = FastBsale("bsale_s", limiter=limiter), FastBsale("bsale_s", limiter=limiter)
    server.queue(Reply(429, None, {"Retry-After": "0.3"}))
    started = time.monotonic()
    first_thread = threading.Thread(target=first.get, args=("/v1/a.json",))
    first_thread.start()  # gets the 429, tells the limiter to pause the account for 0.3 s
    deadline = time.monotonic() + 5  # bounded: a 429 that never arrives fails, not hangs
    while not first.rate_limited:
        assert time.monotonic() < deadline, "the first hook never saw its 429"
        time.sleep(0.005)
    second.get("/v1/b.json")  # a different hook instance, same account: paused too
    first_thread.join(5)
    assert time.monotonic() - started >= 0.28
    assert (first.calls, second.calls) == (2, 1)


# --------------------------------------------------------------------------------- retries
def test_503_503_200_is_retried_and_succeeds(bsale, server) -> None:
    server.queue(Reply(503, {"error": "x"}), Reply(503, {"error": "x"}), Reply(200, {"items": []}))
    assert bsale.get("/v1/variants.json") == {"items": []}
    assert (bsale.calls, bsale.retries) == (3, 2)


def test_post_500_is_uncertain_and_not_retried(bsale, server) -> None:
    server.queue(Reply(500, {"error": "Internal error"}))
    with pytest.raises(TransientError) as caught:
        bsale.post("/v1/documents.json", {"codeSii": 39})
    assert caught.value.uncertain is True
    assert caught.value.status == 500 and caught.value.vendor_message == "Internal error"
    assert bsale.calls == 1 and bsale.retries == 0


def test_post_with_idempotency_key_is_retried(bsale, server) -> None:
    server.queue(Reply(500, {"error": "x"}), Reply(201, {"id": 9, "salesId": "JS-1"}))
    assert bsale.post("/v1/documents.json", {"salesId": "JS-1"}, idempotent=True)["id"] == 9
    assert bsale.calls == 2


def test_lost_response_on_post_is_uncertain(bsale, server) -> None:
    server.queue(Reply(drop=True))
    with pytest.raises(TransientError) as caught:
        bsale.post("/v1/documents.json", {"codeSii": 39})
    assert caught.value.uncertain is True and caught.value.status is None
    assert bsale.calls == 1


def test_lost_response_on_put_is_retried(bsale, server) -> None:
    server.queue(Reply(drop=True), Reply(200, {"id": 1}))
    assert bsale.put("/v1/price_lists/1/details/2.json", {"variantValue": 100}) == {"id": 1}
    assert bsale.calls == 2


def test_read_timeout_get_retried_post_uncertain(server, set_conn, limiter) -> None:
    set_conn("bsale_to", conn_type="bsale", host=server.base_url, password=TOKEN, extra={"timeout": 0.2})
    hook = FastBsale("bsale_to", limiter=limiter)
    server.queue(Reply(200, {"late": True}, delay=0.5), Reply(200, {"ok": 1}))
    assert hook.get("/v1/offices.json") == {"ok": 1}
    server.queue(Reply(201, {"id": 1}, delay=0.5))
    with pytest.raises(TransientError) as caught:
        hook.post("/v1/documents.json", {})
    assert caught.value.uncertain is True
    assert hook.calls == 3


def test_connection_refused_is_retried_even_for_post(set_conn, limiter) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    set_conn("bsale_down", conn_type="bsale", host=f"http://127.0.0.1:{port}", password=TOKEN)

    class ThreeTries(FastBsale):
        max_attempts = 3

    hook = ThreeTries("bsale_down", limiter=limiter)
    with pytest.raises(TransientError) as caught:
        hook.post("/v1/documents.json", {})
    assert caught.value.uncertain is False  # never connected, so never committed
    assert caught.value.status is None
    assert hook.calls == 3


def test_bounded_retries_give_up_with_status_and_message(bsale, server) -> None:
    message = "The requested resource is not available"
    server.default = Reply(503, {"error": message})
    with pytest.raises(TransientError) as caught:
        bsale.get("/v1/stocks.json")
    error = caught.value
    assert (error.status, error.vendor_message, error.body) == (503, message, {"error": message})
    assert (error.vendor, error.method, error.path) == ("bsale", "GET", "/v1/stocks.json")
    assert (bsale.calls, bsale.retries) == (6, 5)


# ------------------------------------------------------------------------------ typed 4xx
@pytest.mark.parametrize(
    ("status", "body", "error_type", "message"),
    [
        (404, {"message": "Product Not Found."}, NotFound, "Product Not Found."),
        (
            400,
            {"errors": ["Element is not included in the list", "bad"]},
            PermanentError,
            "Element is not included in the list; bad",
        ),
        (
            401,
            {"error": "Sorry, this request can not be authenticated"},
            AuthError,
            "Sorry, this request can not be authenticated",
        ),
        (403, {"message": "Not authorized to write products"}, AuthError, "Not authorized to write products"),
        (422, "plain text failure", PermanentError, "plain text failure"),
    ],
)
def test_4xx_are_typed_and_not_retried(jumpseller, server, status, body, error_type, message) -> None:
    server.queue(Reply(status, body))
    with pytest.raises(error_type) as caught:
        jumpseller.get_product(1)
    assert type(caught.value) is error_type
    assert caught.value.status == status and caught.value.vendor_message == message
    assert jumpseller.calls == 1


def test_bsale_error_body_message(bsale, server) -> None:
    server.queue(Reply(400, {"error": "There is no stock for this products: SKU-1"}))
    with pytest.raises(PermanentError, match="There is no stock for this products: SKU-1"):
        bsale.post("/v1/documents.json", {})


# ------------------------------------------------------------------------ secrets in logs
def test_secrets_never_logged_nor_in_errors(server, set_conn, limiter, caplog, capfd) -> None:
    """Both the stdlib records (caplog) and Airflow's structlog output (stdout/stderr) are checked."""
    caplog.set_level(logging.DEBUG)
    set_conn("js_s", conn_type="jumpseller", host=server.base_url, login=JS_LOGIN, password=JS_TOKEN)
    hook = FastJumpseller("js_s", limiter=limiter)
    server.queue(Reply(503, {"message": "x"}), Reply(200, [{"product": {"id": 1}}]))
    list(hook.iter_products())
    server.queue(Reply(401, {"message": "Unauthorized"}))
    with pytest.raises(AuthError) as caught:
        hook.update_variant(1, 2, {"stock": 3})
    basic = base64.b64encode(f"{JS_LOGIN}:{JS_TOKEN}".encode()).decode()
    out, err = capfd.readouterr()
    logs = caplog.text + out + err
    for text in (logs, str(caught.value), repr(caught.value), hook.rate_limit_key()):
        assert JS_TOKEN not in text and basic not in text
    assert "GET /v1/products.json -> 503" in logs  # method, path, status are logged


def test_connection_secrets_are_registered_with_the_masker(bsale, monkeypatch) -> None:
    masked: list[Any] = []
    monkeypatch.setattr("airflow.sdk.log.mask_secret", lambda value, name=None: masked.append(value))
    bsale.rate_limit_key()
    assert TOKEN in masked


# -------------------------------------------------------------------- Airflow compatibility
def test_test_connection(bsale, server) -> None:
    assert bsale.test_connection() == (True, f"Connected to Bsale at {server.base_url}")
    assert (server.seen[0].path, server.seen[0].query) == ("/v1/offices.json", {"limit": "1"})
    server.queue(Reply(401, {"error": "Sorry, this request can not be authenticated"}))
    ok, message = bsale.test_connection()
    assert not ok and "can not be authenticated" in message and TOKEN not in message


def test_httphook_run_gets_typed_errors(bsale, server) -> None:
    assert bsale.run("/v1/offices.json").json() == {"ok": True}
    server.queue(Reply(404, {"error": "not found"}))
    with pytest.raises(NotFound):
        bsale.run("/v1/offices/9.json")


def test_absolute_links_are_rebased_on_the_connection_host(bsale, server) -> None:
    bsale.get("https://api.bsale.cl/v1/stocks.json?limit=25&offset=25")
    assert server.seen[0].path == "/v1/stocks.json"
    assert server.seen[0].query == {"limit": "25", "offset": "25"}


def test_country_picks_the_default_host(set_conn, limiter) -> None:
    set_conn("bsale_pe", conn_type="bsale", password=TOKEN, extra={"extra__bsale__country": "PE"})
    hook = BsaleHook("bsale_pe", limiter=limiter)
    assert hook.url_for("/v1/offices.json") == "https://api.bsale.com.pe/v1/offices.json"
    set_conn("bsale_cl", conn_type="bsale", password=TOKEN)
    assert BsaleHook("bsale_cl", limiter=limiter).url_for("v1/x.json") == "https://api.bsale.io/v1/x.json"
