"""MercadoLibreHook end-to-end against the Mercado Libre sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from puente.hooks.errors import AuthError, NotFound
from puente.vendors.mercadolibre import hook as meli_module
from puente.vendors.mercadolibre.hook import (
    MercadoLibreHook,
    clear_token_cache,
    item_sku,
    logistic_type,
    meli_error_code,
)
from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.mercadolibre import run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.seed import LEGACY_SKU_ITEM, NO_SKU_ITEM, SELLER_ID

NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


class FastMeli(MercadoLibreHook):
    backoff_base = 0.01
    backoff_max = 0.02
    default_rate_limit_wait = 0.05


@pytest.fixture
def meli() -> Iterator[SandboxHandle]:
    with run_mercadolibre_sandbox(now=lambda: NOW) as handle:
        yield handle


def connect(set_conn, sandbox: SandboxHandle, conn_id: str = "meli_sb", **overrides: Any) -> str:
    fields = {
        "conn_type": "mercadolibre",
        "host": sandbox.base_url,
        "login": DEFAULT_MELI_CLIENT_ID,
        "password": DEFAULT_MELI_CLIENT_SECRET,
        "extra": {"refresh_token": DEFAULT_MELI_REFRESH_TOKEN},
        **overrides,
    }
    return set_conn(conn_id, **fields)


@pytest.fixture
def saved() -> list[str]:
    return []


@pytest.fixture
def hook(meli, set_conn, limiter, saved) -> FastMeli:
    return FastMeli(connect(set_conn, meli), limiter=limiter, token_saver=saved.append)


def token_calls(sandbox: SandboxHandle) -> int:
    return sandbox.counters()["by_route"].get("POST /oauth/token", 0)


def test_token_is_refreshed_once_reused_and_masked(hook, meli, saved, set_conn, limiter, monkeypatch) -> None:
    masked: list[str] = []
    monkeypatch.setattr(meli_module, "mask", masked.append)
    assert hook.me()["id"] == SELLER_ID and hook.seller_id == SELLER_ID
    other = MercadoLibreHook(hook.conn_id, limiter=limiter)  # another task in the same process
    assert other.get_order(meli.store.orders[next(iter(meli.store.orders))]["id"])
    assert token_calls(meli) == 1 and hook.token_requests == 1 and other.token_requests == 0
    (access,) = meli.store.access_tokens
    (rotated,) = meli.store.live_refresh_tokens()
    assert masked == [access, rotated] and saved == [rotated]
    body = meli.writes()[0]["body"]  # form-encoded in the body, never in the query string
    assert "grant_type=refresh_token" in body and meli.writes()[0]["query"] == ""


def test_401_refreshes_once_with_the_rotated_refresh_token(hook, meli, saved) -> None:
    hook.me()
    meli.inspect_post("tokens/expire")
    assert hook.me()["id"] == SELLER_ID  # 401, refresh with the rotated token, same request again
    assert token_calls(meli) == 2 and meli.counters()["by_status"]["401"] == 1
    assert len(saved) == 2 and meli.store.live_refresh_tokens() == [saved[-1]]


def test_expiring_token_is_refreshed_before_the_call(hook, meli) -> None:
    hook.me()
    for state in meli_module._TOKENS.values():
        state.expires_at = 0.0  # 6 h (minus the margin) went by
    hook.me()
    assert token_calls(meli) == 2 and meli.counters()["by_status"].get("401", 0) == 0


def test_a_second_401_is_an_auth_error(hook, meli, monkeypatch) -> None:
    monkeypatch.setattr(meli.store, "token_user", lambda token: None)
    with pytest.raises(AuthError) as denied:
        hook.me()
    assert denied.value.status == 401 and denied.value.vendor_message == "invalid access token"
    assert meli_error_code(denied.value) == "not_found" and token_calls(meli) == 2


def test_spent_refresh_token_and_bad_secret_are_auth_errors(hook, meli, set_conn, limiter) -> None:
    hook.me()
    clear_token_cache()  # a new process starting from the connection's (now spent) refresh token
    with pytest.raises(AuthError) as spent:
        FastMeli(hook.conn_id, limiter=limiter).me()
    assert spent.value.status == 400 and meli_error_code(spent.value) == "invalid_grant"
    assert DEFAULT_MELI_REFRESH_TOKEN not in str(spent.value)
    bad = FastMeli(connect(set_conn, meli, "meli_bad", password="wrong-secret-value"), limiter=limiter)
    ok, message = bad.test_connection()
    assert not ok and "invalid client_id or client_secret" in message and "wrong-secret-value" not in message
    no_refresh = FastMeli(connect(set_conn, meli, "meli_nr", extra={}), limiter=limiter)
    ok, message = no_refresh.test_connection()
    assert not ok and "refresh_token" in message


def test_search_pages_to_the_end_and_filters(hook, meli) -> None:
    everything = meli.inspect_get("orders")
    orders = list(hook.search_orders())
    assert [o["id"] for o in orders] == [o["id"] for o in everything]
    assert meli.counters()["by_route"]["GET /orders/search"] == math.ceil(len(everything) / 50)
    paid_or_cancelled = list(hook.search_orders(SELLER_ID, statuses=["cancelled", "paid"]))
    assert sorted(o["id"] for o in paid_or_cancelled) == sorted(o["id"] for o in everything)
    assert [o["status"] for o in paid_or_cancelled[:1]] == ["cancelled"]  # one search per status
    start = datetime.fromisoformat(everything[30]["date_created"]) + timedelta(minutes=1)
    end = start + timedelta(days=3, minutes=17)
    window = list(hook.search_orders(created_from=start, created_to=end, statuses=["paid"]))
    expected = [o["id"] for o in everything
                if o["status"] == "paid" and start <= datetime.fromisoformat(o["date_created"]) < end]  # fmt: skip
    assert [o["id"] for o in window] == expected and expected  # exact, though the server cuts to the hour
    with pytest.raises(ValueError, match="naive"):
        list(hook.search_orders(created_from=datetime(2026, 7, 1)))


def test_order_shipment_billing_and_skus(hook, meli) -> None:
    orders = meli.inspect_get("orders")
    full = next(o for o in orders if o["_logistic_type"] == "fulfillment")
    other = next(o for o in orders if o["_logistic_type"] not in ("fulfillment", None))
    assert hook.get_order(full["id"])["shipping"]["id"] == full["shipping"]["id"]
    assert logistic_type(hook.get_shipment(full["shipping"]["id"])) == "fulfillment"
    assert hook.is_fulfillment(full) and not hook.is_fulfillment(other)
    assert not hook.is_fulfillment(next(o for o in orders if o["shipping"]["id"] is None))
    billing = hook.get_billing_info(full["id"])["buyer"]["billing_info"]
    assert billing["identification"]["type"] in {"CC", "NIT"}
    by_id = hook.get_billing_info_by_id("MCO", full["buyer"]["billing_info"]["id"])
    assert by_id["buyer"]["billing_info"] == billing
    skus = {i["item"]["id"]: item_sku(i) for o in orders for i in o["order_items"]}
    assert skus[NO_SKU_ITEM] is None and skus[LEGACY_SKU_ITEM] == "SKU-0018"
    with pytest.raises(NotFound) as missing:
        hook.get_order(1)
    assert missing.value.vendor_message == "Order not found" and meli_error_code(missing.value) == "not_found"


def test_429_is_waited_out_and_retried(set_conn, limiter) -> None:
    class Unthrottled(FastMeli):
        rate_limit_budgets = ()  # let the sandbox's budget do the refusing
        default_rate_limit_wait = 0.6  # no Retry-After: back off past the sandbox's 1 s window

    with run_mercadolibre_sandbox(rate_limits=((3, 1.0),), now=lambda: NOW) as sandbox:
        hook = Unthrottled(connect(set_conn, sandbox, "meli_429"), limiter=limiter)
        for _ in range(4):
            assert hook.me()["id"] == SELLER_ID
        assert hook.rate_limited >= 1 and sandbox.counters()["rate_limited"] >= 1
