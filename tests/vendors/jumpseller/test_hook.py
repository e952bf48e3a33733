"""JumpsellerHook end-to-end against the Jumpseller sandbox (real server, real 20/s + 800/min)."""

from __future__ import annotations

import threading
import time

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError
from puente.vendors.jumpseller.hook import JumpsellerHook
from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

from .fast_hook import FastJumpseller


def test_products_page_until_short_page(hook, jumpseller_sandbox) -> None:
    products = list(hook.iter_products())
    assert len(products) == hook.count_products() == len(jumpseller_sandbox.store.products)
    assert all("product" not in p and "id" in p for p in products)  # unwrapped
    assert hook.calls == 2  # one short page + the count


def test_products_page_until_empty_page(hook, jumpseller_sandbox) -> None:
    total = len(jumpseller_sandbox.store.products)
    limit = next(size for size in range(10, 1, -1) if total % size == 0)  # every page full
    products = list(hook.iter_products(limit=limit))
    assert [p["id"] for p in products] == list(jumpseller_sandbox.store.products)
    assert jumpseller_sandbox.counters()["by_route"]["GET /v1/products.json"] == total // limit + 1


def test_read_and_write_products_and_variants(hook, jumpseller_sandbox) -> None:
    products = list(hook.iter_products())
    with_variants = next(p for p in products if p.get("variants"))
    simple = next(p for p in products if not p.get("variants"))
    variant = with_variants["variants"][0]

    updated = hook.update_variant(with_variants["id"], variant["id"], {"stock": 7, "stock_unlimited": False})
    assert updated["id"] == variant["id"] and updated["stock"] == 7
    updated = hook.update_product(simple["id"], {"stock": 3, "price": 1990})
    assert updated["id"] == simple["id"] and updated["stock"] == 3
    assert hook.get_product(simple["id"])["stock"] == 3

    found = hook.search_products(variant["sku"])
    assert with_variants["id"] in {p["id"] for p in found}
    assert hook.get_store_info()["code"]


def test_typed_errors(hook, jumpseller_sandbox, set_conn, limiter) -> None:
    with pytest.raises(NotFound) as missing:
        hook.get_product(999_999)
    assert missing.value.vendor_message == "Product Not Found."
    product = next(hook.iter_products())
    with pytest.raises(PermanentError) as bad:
        hook.update_product(product["id"], {"stock": "lots"})
    assert bad.value.status == 400 and bad.value.vendor_message
    set_conn(
        "js_bad",
        conn_type="jumpseller",
        host=jumpseller_sandbox.base_url,
        login=DEFAULT_LOGIN,
        password="wrong-auth-token-0123456789abcd",
    )
    ok, message = JumpsellerHook("js_bad", limiter=limiter).test_connection()
    assert not ok and "401" in message and "wrong-auth-token" not in message
    with pytest.raises(AuthError):
        JumpsellerHook("js_bad", limiter=limiter).count_products()
    assert hook.test_connection()[0]


def test_burst_stays_within_20_per_second(hook, jumpseller_sandbox, limiter) -> None:
    """Several hooks of one store in threads share the limiter: the vendor never sees >20 in 1 s."""
    hooks = [hook] + [FastJumpseller("js_sb", limiter=limiter) for _ in range(3)]

    def burst(h: JumpsellerHook) -> None:
        for _ in range(10):
            h.count_products()

    threads = [threading.Thread(target=burst, args=(h,)) for h in hooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    counters = jumpseller_sandbox.counters()
    assert counters["total_requests"] == sum(h.calls for h in hooks) == 40
    assert counters["max_requests_in_1s"] <= 20
    assert counters["max_requests_in_60s"] <= 800
    assert counters["rate_limited"] == 0 and "429" not in counters["by_status"]


def test_vendor_429_is_waited_out(jumpseller_sandbox, set_conn, limiter) -> None:
    """With our budgets switched off the sandbox throttles; the header-based wait recovers."""
    set_conn(
        "js_unlimited",
        conn_type="jumpseller",
        host=jumpseller_sandbox.base_url,
        login=DEFAULT_LOGIN,
        password=DEFAULT_AUTHTOKEN,
        extra={"rate_limit_per_second": 0, "rate_limit_per_minute": 0},
    )
    unlimited = FastJumpseller("js_unlimited", limiter=limiter)
    started = time.monotonic()
    for _ in range(25):
        unlimited.count_products()
    assert time.monotonic() - started >= 0.9  # "PerSecondRateLimit-Remaining: 0" -> wait 1 s
    counters = jumpseller_sandbox.counters()
    assert counters["rate_limited"] == unlimited.rate_limited > 0
    assert unlimited.calls == 25 + unlimited.retries == counters["total_requests"]


def test_injected_faults_are_retried(hook, jumpseller_sandbox) -> None:
    jumpseller_sandbox.set_faults(rate_429=0.2, rate_5xx=0.2, seed=5)
    products = list(hook.iter_products(limit=10))
    assert len(products) == len(jumpseller_sandbox.store.products)
    counters = jumpseller_sandbox.counters()
    injected = counters["faults_injected"]["429"] + counters["faults_injected"]["5xx"]
    assert injected == hook.retries > 0
    assert hook.calls == counters["total_requests"]


def test_lost_put_response_is_retried(hook, jumpseller_sandbox) -> None:
    """PUT sets absolute values, so resending after a lost response is safe and converges."""
    product = next(p for p in hook.iter_products() if not p.get("variants"))
    jumpseller_sandbox.set_faults(lost_response_rate=0.5, seed=2)
    assert hook.update_product(product["id"], {"stock": 11})["stock"] == 11
    writes = jumpseller_sandbox.writes()
    assert [w["lost"] for w in writes][-1] is False
    assert hook.calls == jumpseller_sandbox.counters()["total_requests"]
