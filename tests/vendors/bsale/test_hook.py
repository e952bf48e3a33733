"""BsaleHook end-to-end against the Bsale sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

import math

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, TransientError
from puente.vendors.bsale.hook import BsaleHook
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN


class FastBsale(BsaleHook):
    backoff_base = 0.01
    backoff_max = 0.02


@pytest.fixture
def hook(bsale_sandbox, set_conn, limiter) -> FastBsale:
    set_conn("bsale_sb", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    return FastBsale("bsale_sb", limiter=limiter)


def test_variants_follow_next_to_the_end(hook, bsale_sandbox) -> None:
    expected = hook.get("/v1/variants/count.json")["count"]
    variants = list(hook.iter_variants())
    assert len(variants) == expected == len(bsale_sandbox.store.variants)
    assert len({v["id"] for v in variants}) == expected
    pages = math.ceil(expected / 50)
    assert bsale_sandbox.counters()["by_route"]["GET /v1/variants.json"] == pages
    assert hook.calls == pages + 1 == bsale_sandbox.counters()["total_requests"]


def test_stock_filters_and_expand_survive_paging(hook, bsale_sandbox) -> None:
    stocks = list(hook.iter_stocks(1, expand=["variant"]))
    expected = [s for s in bsale_sandbox.store.stocks.values() if s.office_id == 1]
    assert len(stocks) == len(expected) > 50  # more than one page
    assert {s["office"]["id"] for s in stocks} == {"1"}
    assert all(isinstance(s["variant"].get("code"), str) for s in stocks)  # expanded on every page


def test_price_list_details_and_single_resources(hook, bsale_sandbox) -> None:
    lists = hook.list_price_lists()
    assert len(lists) == len(bsale_sandbox.store.price_lists)
    list_id = lists[0]["id"]
    assert hook.get_price_list(list_id)["id"] == list_id
    details = list(hook.iter_price_list_details(list_id))
    assert details and all("variantValue" in d for d in details)
    offices = hook.list_offices()
    assert [o["id"] for o in offices] == sorted(bsale_sandbox.store.offices)
    assert hook.get_office(offices[0]["id"])["name"] == offices[0]["name"]


def test_put_price_detail(hook) -> None:
    detail = next(hook.iter_price_list_details(1))
    updated = hook.put(f"/v1/price_lists/1/details/{detail['id']}.json", {"variantValue": 2000, "id": detail["id"]})
    assert updated["variantValue"] == 2000


def test_typed_errors_carry_bsale_messages(hook, bsale_sandbox, set_conn, limiter) -> None:
    with pytest.raises(NotFound) as missing:
        hook.get_office(999)
    assert missing.value.status == 404 and missing.value.vendor_message
    with pytest.raises(PermanentError) as bad:
        hook.post("/v1/stocks/consumptions.json", {"officeId": 1, "details": "nope"})
    assert bad.value.status == 400 and bad.value.vendor_message
    set_conn("bsale_bad", conn_type="bsale", host=bsale_sandbox.base_url, password="wrong-token-123")
    with pytest.raises(AuthError) as denied:
        BsaleHook("bsale_bad", limiter=limiter).list_offices()
    assert denied.value.vendor_message == "Sorry, this request can not be authenticated"
    assert "wrong-token-123" not in str(denied.value)


def test_test_connection_on_sandbox(hook, bsale_sandbox, set_conn, limiter) -> None:
    ok, message = hook.test_connection()
    assert ok, message
    set_conn("bsale_bad2", conn_type="bsale", host=bsale_sandbox.base_url, password="wrong-token-123")
    ok, message = BsaleHook("bsale_bad2", limiter=limiter).test_connection()
    assert not ok and "can not be authenticated" in message


@pytest.mark.parametrize("mode", ["error", "drop"])  # a 500 after commit, or the connection cut mid-body
def test_lost_post_response_is_uncertain_and_committed_once(hook, bsale_sandbox, mode) -> None:
    bsale_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode=mode)
    variant = next(hook.iter_variants())
    with pytest.raises(TransientError) as caught:
        hook.post(
            "/v1/stocks/consumptions.json",
            {"officeId": 1, "note": "puente test", "details": [{"quantity": 1, "variantId": variant["id"]}]},
        )
    assert caught.value.uncertain is True
    writes = bsale_sandbox.writes()
    assert len(writes) == 1 and writes[0]["lost"] is True and writes[0]["status"] == 201


def test_transient_faults_are_retried_and_calls_counted_exactly(hook, bsale_sandbox) -> None:
    bsale_sandbox.set_faults(rate_5xx=0.5, seed=1)  # seeded: the same requests fail on every run
    stocks = list(hook.iter_stocks(None))
    assert len(stocks) == len(bsale_sandbox.store.stocks)
    counters = bsale_sandbox.counters()
    assert counters["faults_injected"]["5xx"] == hook.retries > 0
    assert hook.calls == counters["total_requests"]
