"""The reservation step's choices: which channels and statuses, every channel summed, fail safe.

The order sources are stand-ins (the Jumpseller one over HTTP is covered by the real-DAG test
``tests/integration/test_catalog_reservations_dag.py``); the ledger is a plain in-memory double.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from puente.config.models import TenantConfig
from puente.connectors import registry
from puente.models import Order, OrderLine
from puente.operators.catalog_reservations import reserve_open_orders, reserving_channels
from puente.rules.catalog import LISTING_COLUMNS, SOURCE_COLUMNS

NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)


def tenant(catalog=None, invoicing=None, channels=2) -> TenantConfig:
    return TenantConfig.model_validate({
        "tenant": "t1", "name": "T", "country": "CL",
        "erp": {"vendor": "bsale", "conn_id": "b", "office_id": 1, "price_list_id": 1},
        "channels": [{"vendor": "jumpseller", "conn_id": f"js{i}"} for i in range(channels)],
        "flows": {"catalog_sync": catalog or {}, "invoicing": invoicing or {"enabled": True}},
    })


def order(order_id, sku, qty, status="pending_payment", age=timedelta(hours=1)):
    return Order(id=str(order_id), channel="x", status=status, created_at=NOW - age,
                 lines=(OrderLine(sku=sku, name=sku, quantity=Decimal(qty), unit_price=Decimal(1)),))


class Ledger:
    def __init__(self, invoiced: dict[str, set[str]]) -> None:
        self.invoiced = invoiced

    def rows(self, tenant, channel, *, statuses, order_ids):
        assert list(statuses) == ["invoiced"]
        return [{"order_id": i} for i in order_ids if i in self.invoiced.get(channel, set())]


class Source:
    def __init__(self, orders=(), fails=False):
        self.orders, self.fails, self.calls = list(orders), fails, []

    def read_open_orders(self, statuses, since):
        self.calls.append((tuple(statuses), since))
        if self.fails:
            raise ConnectionError("store down")
        return [o for o in self.orders if o.status in statuses and o.created_at >= since]


@pytest.fixture
def sources(monkeypatch):
    by_conn: dict[str, Source] = {}
    monkeypatch.setattr(registry, "order_source", lambda settings, timezone: by_conn[settings.conn_id])
    return by_conn


def erp(**stock):
    return pd.DataFrame.from_records([(s, "1", q, False, 1, 1, None) for s, q in stock.items()], columns=SOURCE_COLUMNS)


def shown(**stock):
    return pd.DataFrame.from_records([(s, "1", None, q, False, 1) for s, q in stock.items()], columns=LISTING_COLUMNS)


def stock(frame):
    return dict(zip(frame["sku"], frame["stock"], strict=True))


def test_every_channels_open_orders_are_subtracted_and_invoiced_ones_are_not(sources):
    sources["js0"] = Source([order(1, "A", 3), order(2, "A", 1, status="paid"), order(3, "A", 9, status="canceled")])
    sources["js1"] = Source([order(1, "A", 2), order(7, "B", 4, status="paid")])
    ledger = Ledger({"js1": {"7"}})
    held = reserve_open_orders(tenant(), erp(A=10, B=10), shown(A=10, B=10), now=NOW, ledger=ledger)
    assert stock(held.source) == {"A": 4, "B": 10}  # 3 + 1 from js0, 2 from js1 (same id, other store)
    assert held.counts == {"reserved_units": 6, "reserved_skus": 1}
    assert held.error is None
    assert sources["js0"].calls == [(("pending_payment", "paid"), NOW - timedelta(days=30))]


def test_orders_older_than_the_window_are_not_read(sources):
    sources["js0"] = Source([order(1, "A", 3, age=timedelta(days=3)), order(2, "A", 1, age=timedelta(days=1))])
    config = tenant({"reservation_max_age_days": 2}, channels=1)
    held = reserve_open_orders(config, erp(A=10), shown(A=10), now=NOW, ledger=Ledger({}))
    assert stock(held.source) == {"A": 9}
    assert sources["js0"].calls[0][1] == NOW - timedelta(days=2)
    with pytest.raises(ValueError, match="reservation_max_age_days"):
        tenant({"reservation_max_age_days": 0})


def test_without_invoicing_only_statuses_before_payment_are_held(sources):
    sources["js0"] = Source([order(1, "A", 3), order(2, "A", 1, status="paid")])
    config = tenant(invoicing={"enabled": False}, channels=1)
    assert [statuses for _, statuses in reserving_channels(config)] == [("pending_payment",)]
    held = reserve_open_orders(config, erp(A=10), shown(A=10), now=NOW, ledger=Ledger({}))
    assert stock(held.source) == {"A": 7}


def test_option_off_reads_nothing(sources):
    held = reserve_open_orders(tenant({"reserve_pending_orders": False}), erp(A=10), shown(A=1), ledger=Ledger({}))
    assert stock(held.source) == {"A": 10}
    assert held.counts == {} and sources == {}


def test_a_channel_that_fails_keeps_every_listing_from_going_up(sources):
    sources["js0"] = Source([order(1, "A", 3)])
    sources["js1"] = Source(fails=True)
    held = reserve_open_orders(tenant(), erp(UP=10, DOWN=2), shown(UP=4, DOWN=5), now=NOW, ledger=Ledger({}))
    assert stock(held.source) == {"UP": 4, "DOWN": 2}
    assert "js1: ConnectionError: store down" in held.error
    assert held.details["error"] == held.error
