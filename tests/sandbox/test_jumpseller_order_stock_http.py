"""Jumpseller sandbox orders hold stock as a real store's do (order_stock), over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from puente_sandbox import OrderScenario, SandboxHandle, run_sandbox


@pytest.fixture
def store(order_scenario: OrderScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("jumpseller", order_scenario, rate_limits=None) as handle:
        yield handle


def listing(handle: SandboxHandle, sku: str) -> dict:
    return next(row for row in handle.inspect_get("/_sandbox/listings") if row["sku"] == sku)


def stocked(handle: SandboxHandle, *, variant: bool, at_least: int = 5) -> dict:
    return next(row for row in handle.inspect_get("/_sandbox/listings")
                if (row["variant_id"] is not None) == variant and not row["stock_unlimited"]
                and row["stock"] >= at_least)


def line(row: dict, qty: int) -> dict:
    return {"id": row["product_id"], "variant_id": row["variant_id"], "sku": row["sku"], "name": row["sku"],
            "qty": qty, "price": 11900.0}


def order(order_id: int, *rows_qty: tuple[dict, int], status: str = "pending_payment") -> dict:
    return {"id": order_id, "created_at": "2024-06-01 15:00:00 UTC", "status_enum": status,
            "products": [line(row, qty) for row, qty in rows_qty]}


@pytest.mark.parametrize("variant", [True, False], ids=["variant", "simple"])
def test_pending_order_takes_stock_paid_keeps_it_canceled_gives_it_back(store, variant):
    row = stocked(store, variant=variant)
    store.inspect_post("orders", {"orders": [order(7001, (row, 3))]})
    assert listing(store, row["sku"])["stock"] == row["stock"] - 3

    store.inspect_put("orders/7001", {"status_enum": "paid"})
    assert listing(store, row["sku"])["stock"] == row["stock"] - 3

    store.inspect_put("orders/7001", {"status_enum": "canceled"})
    assert listing(store, row["sku"])["stock"] == row["stock"]
    store.inspect_put("orders/7001", {"status_enum": "canceled"})  # no second give-back
    assert listing(store, row["sku"])["stock"] == row["stock"]


def test_abandoned_gives_back_and_the_product_reports_the_variant_sum(store):
    row = stocked(store, variant=True)
    product_before = store.client().get(store.url(f"/v1/products/{row['product_id']}.json"), timeout=10).json()
    store.inspect_post("orders", {"orders": [order(7002, (row, 2))]})
    product = store.client().get(store.url(f"/v1/products/{row['product_id']}.json"), timeout=10).json()
    assert product["product"]["stock"] == product_before["product"]["stock"] - 2
    store.inspect_post("orders", {"orders": [{"id": 7002, "status_enum": "abandoned"}]})
    assert listing(store, row["sku"])["stock"] == row["stock"]


def test_scenario_orders_are_already_in_the_seeded_stock(store, order_scenario):
    before = store.inspect_get("/_sandbox/listings")
    pending = order_scenario.pending_payment[0]
    store.inspect_put(f"orders/{pending}", {"status_enum": "canceled"})
    store.inspect_put(f"orders/{order_scenario.plain[0]}", {"status_enum": "paid"})
    assert store.inspect_get("/_sandbox/listings") == before


def test_short_stock_is_refused_and_moves_nothing(store):
    row = stocked(store, variant=False, at_least=1)
    other = stocked(store, variant=True)
    too_many = order(7003, (other, 1), (row, row["stock"] + 1))
    response = requests.post(store.url("/_sandbox/orders"), json={"orders": [too_many]}, timeout=10)
    assert response.status_code == 409
    assert "not enough stock" in response.json()["detail"]
    assert listing(store, other["sku"])["stock"] == other["stock"]
    assert 7003 not in {o["order"]["id"] for o in store.client().get(store.url("/v1/orders.json"), timeout=10).json()}
    unknown = requests.put(store.url("/_sandbox/orders/999999"), json={"status_enum": "paid"}, timeout=10)
    assert unknown.status_code == 404
