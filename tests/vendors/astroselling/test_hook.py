"""AstrosellingHook end-to-end against the Astroselling sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, RateLimited
from puente.vendors.astroselling import hook as astroselling_module
from puente.vendors.astroselling.hook import AstrosellingHook
from puente_sandbox.astroselling import API_PREFIX, run_astroselling_sandbox
from puente_sandbox.astroselling.seed import CHANNELS, FOREIGN_CHANNEL_ID
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.handle import SandboxHandle

ML, FALABELLA = CHANNELS[0][0], CHANNELS[1][0]
BOGOTA = timezone(timedelta(hours=-5))


class FastAstro(AstrosellingHook):
    backoff_base = 0.01
    backoff_max = 0.02
    page_size = 15  # 40 products -> 3 pages, 100 orders -> 7 pages


@pytest.fixture
def astro() -> Iterator[SandboxHandle]:
    with run_astroselling_sandbox(rate_limits=None) as handle:
        yield handle


def connect(set_conn, sandbox: SandboxHandle, conn_id: str = "astro_sb", **overrides: Any) -> str:
    fields = {"conn_type": "astroselling", "host": sandbox.url(API_PREFIX), "password": DEFAULT_ASTROSELLING_TOKEN,
              "extra": {"rate_limit_per_minute": 0}, **overrides}  # fmt: skip
    return set_conn(conn_id, **fields)


@pytest.fixture
def hook(astro, set_conn, limiter) -> FastAstro:
    return FastAstro(connect(set_conn, astro), limiter=limiter)


def test_token_is_a_masked_bearer_header_never_in_the_url(astro, set_conn, limiter, monkeypatch) -> None:
    masked: list[str] = []
    monkeypatch.setattr(astroselling_module, "mask", masked.append)
    hook = FastAstro(connect(set_conn, astro), limiter=limiter)
    assert len(hook.list_channels()) == len(CHANNELS)
    assert DEFAULT_ASTROSELLING_TOKEN in masked
    assert hook.get_conn().headers["Authorization"] == f"Bearer {DEFAULT_ASTROSELLING_TOKEN}"
    hook.update_product(ML, "SKU-0001", stock=1)
    assert all("api_token" not in w["query"] for w in astro.writes())


def test_host_without_a_path_gets_jupiter_v1(astro, set_conn, limiter) -> None:
    hook = FastAstro(connect(set_conn, astro, "astro_root", host=astro.base_url), limiter=limiter)
    assert hook.list_channels()[0]["marketplace"] == "Mercado Libre"
    assert hook.base_url.endswith("/jupiter/v1")
    assert AstrosellingHook.default_host == "https://nova.astroselling.com/jupiter/v1"


def test_products_page_to_the_end_and_filter_by_sku(hook, astro) -> None:
    products = hook.list_products(ML)
    assert [p["sku"] for p in products] == [f"SKU-{i:04d}" for i in range(1, 41)]
    assert astro.counters()["by_route"][f"GET {API_PREFIX}/channels/{{channel_id}}/products"] == 3
    assert [p["id_in_erp"] for p in hook.list_products(FALABELLA, sku="SKU-0005")] == ["SKU-0005"]
    assert hook.list_products(ML, sku="NO-SUCH") == []
    assert hook.get_product(ML, "SKU-0005")["channel_id"] == ML


def test_stock_and_price_update_sends_only_what_changed(hook, astro) -> None:
    updated = hook.update_product(ML, "SKU-0002", stock=7, price=45900)
    assert (updated["stock"], updated["price"], updated["currency"]) == (7, 45900, "COP")
    assert hook.update_product(ML, "SKU-0002", stock=0)["price"] == 45900
    puts = [w["body"] for w in astro.writes() if w["method"] == "PUT"]
    assert puts == [{"stock": 7, "price": 45900}, {"stock": 0}]
    with pytest.raises(ValueError, match="at least one field"):
        hook.update_product(ML, "SKU-0002")


def test_typed_errors_keep_the_vendors_message(hook, set_conn, astro, limiter) -> None:
    with pytest.raises(NotFound) as missing:
        hook.update_product(ML, "NUEVO-9", stock=1)
    assert missing.value.status == 404 and missing.value.vendor_message == "Not Found."
    created = hook.create_product(ML, {"id_in_erp": "NUEVO-9", "sku": "NUEVO-9", "title": "N", "price": 1, "stock": 1})
    assert created["sku"] == "NUEVO-9" and hook.update_product(ML, "NUEVO-9", stock=3)["stock"] == 3
    hook.delete_product(ML, "NUEVO-9")
    with pytest.raises(PermanentError) as refused:
        hook.update_product(ML, "SKU-0003", price="gratis")
    assert refused.value.status == 422
    assert refused.value.vendor_message == "The given data was invalid. (price: The price must be a number.)"
    with pytest.raises(AuthError) as foreign:
        hook.list_products(FOREIGN_CHANNEL_ID)
    assert foreign.value.status == 403 and foreign.value.vendor_message == "This action is unauthorized."


def test_bad_or_rotated_token_is_an_auth_error_without_the_token(astro, set_conn, limiter) -> None:
    bad = AstrosellingHook(connect(set_conn, astro, "astro_bad", password="wrong-token-123"), limiter=limiter)
    with pytest.raises(AuthError) as denied:
        bad.list_channels()
    assert denied.value.status == 401 and denied.value.vendor_message == "Unauthenticated."
    assert "wrong-token-123" not in str(denied.value)
    ok, message = bad.test_connection()
    assert not ok and "Unauthenticated." in message
    good = AstrosellingHook(connect(set_conn, astro), limiter=limiter)
    ok, message = good.test_connection()
    assert ok, message
    astro.inspect_post("token/rotate")
    assert good.test_connection()[0] is False
    empty = AstrosellingHook(connect(set_conn, astro, "astro_empty", password=""), limiter=limiter)
    ok, message = empty.test_connection()
    assert not ok and "api_token" in message


def test_orders_with_filters_page_to_the_end(hook, astro) -> None:
    everything = list(hook.list_orders())
    assert len(everything) == 100
    assert astro.counters()["by_route"][f"GET {API_PREFIX}/orders"] == 7
    chosen = list(
        hook.list_orders(
            created_from=date(2024, 5, 3),
            created_to=datetime(2024, 5, 20, 23, 59, 59, tzinfo=BOGOTA),
            statuses=["completed", "shipped"],
            channels=[ML, FALABELLA],
        )
    )
    expected = [
        o["id"]
        for o in everything
        if o["status"] in {"completed", "shipped"}
        and o["channel_id"] in {ML, FALABELLA}
        and "2024-05-03" <= o["created_at"][:10] <= "2024-05-20"
    ]
    assert [o["id"] for o in chosen] == expected and expected
    assert all(o["fulfillment"] for o in hook.list_orders(fulfillment=True))
    assert list(hook.list_orders(statuses=[], channels=[])) == everything  # empty = all
    with pytest.raises(ValueError, match="unknown order status"):
        list(hook.list_orders(statuses=["paid"]))
    with pytest.raises(ValueError, match="naive"):
        list(hook.list_orders(created_from=datetime(2024, 5, 1)))


def test_get_order_and_mark_it_invoiced(hook, astro) -> None:
    order = hook.get_order("AS-100000")
    assert order["fulfillment"] is True and order["logistic_type"] == "fulfillment"
    done = hook.mark_invoiced("AS-100000", "FE-77", invoice_url="https://erp/fe-77.pdf")
    assert done["invoiced"] is True and done["invoice"]["invoice_number"] == "FE-77"
    assert hook.mark_invoiced("AS-100000", "FE-77")["invoice"]["invoice_url"] is None  # re-send replaces
    with pytest.raises(NotFound):
        hook.get_order("AS-1")


def test_429_is_waited_out_and_retried(set_conn, limiter) -> None:
    with run_astroselling_sandbox(rate_limits=((3, 1.0),)) as sandbox:
        hook = FastAstro(connect(set_conn, sandbox, "astro_429"), limiter=limiter)
        for _ in range(5):
            assert hook.list_channels()
        assert hook.rate_limited >= 1 and sandbox.counters()["rate_limited"] >= 1


def test_persistent_429_is_rate_limited(set_conn, limiter) -> None:
    class Impatient(FastAstro):
        max_attempts = 2

    with run_astroselling_sandbox(rate_limits=None, faults={"rate_429": 1.0}) as sandbox:
        hook = Impatient(connect(set_conn, sandbox, "astro_always_429"), limiter=limiter)
        with pytest.raises(RateLimited) as limited:
            hook.list_channels()
        assert limited.value.status == 429 and limited.value.vendor_message == "Too Many Attempts."


def test_default_budget_is_60_per_minute_and_extras_override_it(astro, set_conn, limiter) -> None:
    assert AstrosellingHook.rate_limit_budgets == ((60, 60.0),)
    default = AstrosellingHook(connect(set_conn, astro, "astro_default", extra={}), limiter=limiter)
    assert default.rate_budgets() == ((60, 60.0),)
    override = AstrosellingHook(connect(set_conn, astro, "astro_fast", extra={"rate_limit_per_minute": 300}))
    assert override.rate_budgets() == ((300, 60.0),)
