"""JumpsellerHook orders and order documents against the Jumpseller sandbox (200 seeded orders)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from puente.hooks.errors import NotFound, PermanentError, TransientError

INVOICE = {"document_type": 1, "public_id": "F-4033", "external_id": "facto-4033", "url": "https://x.test/4033.pdf"}


def test_status_and_date_filters_page_to_exactly_the_matching_orders(hook, jumpseller_sandbox) -> None:
    first, last = date(2024, 5, 10), date(2024, 5, 20)
    statuses = {"paid", "canceled"}
    expected = [
        o.id
        for o in jumpseller_sandbox.store.orders_newest_first()
        if o.status_enum in statuses and first <= o.local_date <= last  # store-local calendar days
    ]
    assert {jumpseller_sandbox.store.orders[i].status_enum for i in expected} == statuses  # both sent

    orders = list(hook.iter_orders(statuses=sorted(statuses), date_from=first, date_to=last, limit=7))

    assert [o["id"] for o in orders] == expected
    assert all("order" not in o for o in orders)  # unwrapped
    pages = math.floor(len(expected) / 7) + 1  # the last page is short (or empty)
    assert jumpseller_sandbox.counters()["by_route"]["GET /v1/orders.json"] == pages == hook.calls


def test_unfiltered_listing_count_and_single_order(hook, jumpseller_sandbox) -> None:
    store = jumpseller_sandbox.store
    orders = list(hook.iter_orders())
    assert [o["id"] for o in orders] == [o.id for o in store.orders_newest_first()]
    assert hook.count_orders() == len(store.orders) == 200
    paid = [o for o in store.orders.values() if o.status_enum == "paid"]
    assert hook.count_orders(statuses=["paid"]) == len(paid)  # the count endpoint takes no filters
    order = hook.get_order(orders[-1]["id"])
    assert order["id"] == orders[-1]["id"] and order["billing_address"] is not None
    with pytest.raises(NotFound) as missing:
        hook.get_order(999_999)
    assert missing.value.vendor_message == "Order Not Found."


def test_an_order_placed_while_paging_is_not_yielded_twice(hook, jumpseller_sandbox) -> None:
    """Newest first: a new order shifts every page by one; the hook must not repeat the shifted order."""
    originals = [o.id for o in jumpseller_sandbox.store.orders_newest_first()]
    pages = hook.iter_orders(limit=25)  # 9 pages: stays under the 20/s budget, so no waiting
    head = [next(pages) for _ in range(25)]
    jumpseller_sandbox.inspect_post(
        "orders", {"orders": [{"id": 9001, "created_at": "2024-05-31 23:00:00 UTC", "status_enum": "paid"}]}
    )
    ids = [o["id"] for o in head + list(pages)]
    assert len(ids) == len(set(ids)) == len(originals)
    assert ids == originals


@pytest.mark.parametrize(
    "filters",
    [
        {"statuses": ["shipped"]},
        {"date_from": date(2024, 5, 1)},
        {"date_from": date(2024, 5, 9), "date_to": date(2024, 5, 1)},
    ],
)
def test_bad_filters_fail_before_any_request(hook, filters) -> None:
    with pytest.raises(ValueError):
        next(hook.iter_orders(**filters))
    assert hook.calls == 0


def test_order_documents_round_trip(hook, jumpseller_sandbox) -> None:
    first, second = jumpseller_sandbox.store.orders_newest_first()[:2]
    assert hook.list_order_documents(first.id) == []
    created = hook.create_order_document(first.id, INVOICE)
    assert created == {**INVOICE, "order_id": first.id, "app_code": None}
    credit = hook.create_order_document(first.id, {"document_type": 0, "public_id": "NC-12"})
    assert credit["document_type"] == 0
    assert hook.list_order_documents(first.id) == [created, credit]
    assert hook.list_order_documents(second.id) == []
    assert [d["public_id"] for d in jumpseller_sandbox.inspect_get("orders/documents")] == ["F-4033", "NC-12"]
    with pytest.raises(PermanentError) as bad:
        hook.create_order_document(first.id, {"document_type": 1})  # no public_id
    assert bad.value.status == 400 and bad.value.vendor_message
    with pytest.raises(NotFound):
        hook.create_order_document(999_999, INVOICE)


@pytest.mark.parametrize("mode", ["error", "drop"])  # a 500 after commit, or the connection cut mid-body
def test_lost_document_post_is_uncertain_and_not_resent(hook, jumpseller_sandbox, mode) -> None:
    order_id = jumpseller_sandbox.store.orders_newest_first()[0].id
    jumpseller_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode=mode)
    with pytest.raises(TransientError) as caught:
        hook.create_order_document(order_id, INVOICE)
    assert caught.value.uncertain is True and hook.retries == 0
    writes = jumpseller_sandbox.writes()
    assert len(writes) == 1 and writes[0]["lost"] is True and writes[0]["status"] == 200
    jumpseller_sandbox.clear_faults()
    # What the caller does next: look it up instead of re-sending; it is there exactly once.
    assert [d["public_id"] for d in hook.list_order_documents(order_id)] == ["F-4033"]


def test_open_orders_walk_one_status_newest_first_and_stop_at_the_window(hook, jumpseller_sandbox) -> None:
    from datetime import timedelta

    from puente.vendors.jumpseller.order_source import JumpsellerOrderSource
    from puente.vendors.jumpseller.settings import JumpsellerSettings

    store = jumpseller_sandbox.store
    pending = [o for o in store.orders_newest_first() if o.status_enum == "pending_payment"]
    assert [o["id"] for o in hook.iter_orders_with_status("pending_payment", limit=5)] == [o.id for o in pending]
    with pytest.raises(ValueError, match="unknown Jumpseller order status 'created'"):
        next(hook.iter_orders_with_status("created"))

    source = JumpsellerOrderSource(JumpsellerSettings(vendor="jumpseller", conn_id="js"), hook=hook)
    since = pending[2].created + timedelta(seconds=1)  # only the two newest pending orders are in the window
    calls = hook.calls
    found = source.read_open_orders(["pending_payment"], since)
    assert [int(o.id) for o in found] == [o.id for o in pending[:2]]
    assert hook.calls - calls == 1  # one page, not the whole history
