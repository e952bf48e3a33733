"""BsaleCatalogSource's full read against the Bsale sandbox: concurrent, yet the same data and calls.

The three lists are read in parallel threads (one hook per thread), so these tests pin what must
not change with it: the frame, the exact calls, the account's budget and the errors raised.
"""

from __future__ import annotations

import pandas as pd
import pytest

from puente.hooks.errors import NotFound
from puente.vendors.bsale.catalog_source import BsaleCatalogSource, to_source_frame
from puente.vendors.bsale.hook import BsaleHook
from puente.vendors.bsale.settings import BsaleSettings
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN
from puente_sandbox.stack import run_sandbox


def _source(conn_id: str, scenario, limiter, price_list_id: int | None = None) -> BsaleCatalogSource:
    settings = BsaleSettings(
        vendor="bsale",
        conn_id=conn_id,
        office_id=scenario.sync_office_id,
        price_list_id=price_list_id or scenario.sync_price_list_id,
    )
    return BsaleCatalogSource(settings, hook=BsaleHook(conn_id, limiter=limiter))


def test_full_read_equals_the_serial_read_call_for_call(bsale_sandbox, catalog_scenario, set_conn, limiter) -> None:
    set_conn("bsale_src", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    source = _source("bsale_src", catalog_scenario, limiter)
    bsale_sandbox.reset_counters()
    frame = source.read_catalog()
    concurrent_calls = bsale_sandbox.counters()["by_route"]

    bsale_sandbox.reset_counters()
    hook = source.hook
    office, price_list = catalog_scenario.sync_office_id, catalog_scenario.sync_price_list_id
    serial = to_source_frame(
        hook.iter_variants(expand="[product]"), hook.iter_stocks(office), hook.iter_price_list_details(price_list)
    )
    assert bsale_sandbox.counters()["by_route"] == concurrent_calls
    assert sum(concurrent_calls.values()) > 3  # more than one page per list, so paging ran in each thread
    assert len(frame) > 50
    pd.testing.assert_frame_equal(frame, serial)


def test_concurrent_read_keeps_the_connection_budget(catalog_scenario, set_conn, limiter) -> None:
    with run_sandbox("bsale", catalog_scenario, rate_limits=[(4, 1.0)]) as sandbox:
        set_conn(
            "bsale_slow",
            conn_type="bsale",
            host=sandbox.base_url,
            password=DEFAULT_ACCESS_TOKEN,
            extra={"rate_limit_per_second": 4},
        )
        _source("bsale_slow", catalog_scenario, limiter).read_catalog()
        counters = sandbox.counters()
    assert counters["total_requests"] > 4  # enough calls that the three threads had to share the budget
    assert counters["rate_limited"] == 0
    assert counters["max_requests_in_1s"] <= 4


def test_a_failing_list_raises_its_own_error(bsale_sandbox, catalog_scenario, set_conn, limiter) -> None:
    set_conn("bsale_bad", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    with pytest.raises(NotFound):
        _source("bsale_bad", catalog_scenario, limiter, price_list_id=999_999).read_catalog()


def test_sibling_has_its_own_session_and_shares_the_limiter(bsale_sandbox, set_conn, limiter) -> None:
    set_conn("bsale_sib", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    hook = BsaleHook("bsale_sib", limiter=limiter)
    sibling = hook.sibling()
    assert type(sibling) is BsaleHook and sibling.conn_id == hook.conn_id
    assert sibling.get_conn() is not hook.get_conn()
    assert sibling.limiter is hook.limiter
    assert sibling.rate_limit_key() == hook.rate_limit_key()  # one account, one budget


def test_no_default_budget_but_extras_still_set_one(bsale_sandbox, set_conn) -> None:
    set_conn("bsale_free", conn_type="bsale", host=bsale_sandbox.base_url, password=DEFAULT_ACCESS_TOKEN)
    set_conn(
        "bsale_capped",
        conn_type="bsale",
        host=bsale_sandbox.base_url,
        password=DEFAULT_ACCESS_TOKEN,
        extra={"rate_limit_per_second": 8, "rate_limit_per_minute": "300"},
    )
    assert BsaleHook("bsale_free").rate_budgets() == ()
    assert set(BsaleHook("bsale_capped").rate_budgets()) == {(8, 1.0), (300, 60.0)}
