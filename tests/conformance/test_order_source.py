"""Every order source (a channel's orders): exactly the orders of a window, more than a page of them,
each once, and none lost or doubled while new orders arrive between its page reads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conformance_kit import harness_of, vendors_with

VENDORS = vendors_with("order_source")
EVERY_STATUS = ("paid", "pending_payment", "created", "canceled", "abandoned")  # the flow's words
TIMEZONE = "America/Santiago"


@pytest.fixture
def source(connector):
    return lambda vendor, handle: connector("order_source", vendor, handle, timezone=TIMEZONE)


def _many(vendor: str) -> int:
    return 2 * harness_of(vendor).order_page_size + 5


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_orders_of_a_window_and_only_those_each_once(vendor, source):
    harness = harness_of(vendor)
    with harness.serve(orders=_many(vendor)) as handle:
        channel = source(vendor, handle)
        start, end = harness.order_window(handle)
        everything = channel.read_orders(start, end, EVERY_STATUS)
        ids = [order.id for order in everything]
        assert len(ids) == len(set(ids)) and len(ids) > harness.order_page_size
        assert all(start <= order.created_at < end for order in everything)
        created = sorted(order.created_at for order in everything)
        middle = (created[len(created) // 3], created[2 * len(created) // 3])
        part = channel.read_orders(middle[0], middle[1], EVERY_STATUS)
    assert {order.id for order in part} == {o.id for o in everything if middle[0] <= o.created_at < middle[1]}


@pytest.mark.parametrize("vendor", VENDORS)
def test_orders_arriving_during_the_read_neither_hide_nor_double_others(vendor, source):
    harness = harness_of(vendor)
    with harness.serve(orders=_many(vendor)) as handle:
        channel = source(vendor, handle)
        start, end = harness.order_window(handle)
        before = {order.id for order in channel.read_orders(start, end, EVERY_STATUS)}
        newest = end - timedelta(days=1)
        handle.set_faults(latency_ms=60)  # page reads slow enough for buyers to order in between
        stop, arrived = threading.Event(), []

        def buyers() -> None:
            while not stop.is_set() and len(arrived) < 40:
                harness.add_order(handle, len(arrived), newest - timedelta(minutes=len(arrived)))
                arrived.append(1)
                stop.wait(0.02)

        shopping = threading.Thread(target=buyers)
        shopping.start()
        try:
            during = [order.id for order in channel.read_orders(start, end, EVERY_STATUS)]
        finally:
            stop.set()
            shopping.join()
    assert arrived, "no order arrived during the read"
    assert len(during) == len(set(during)), "an order was read twice"
    assert before <= set(during), f"{len(before - set(during))} orders were skipped"
