"""Jumpseller orders and order documents over real HTTP: paging, filters, clock, documents.

Most tests use an unthrottled sandbox (the ``orders`` fixture) because walking 200 orders and
their filters takes more than the 20 requests a second the ``jumpseller_sandbox`` fixture allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from puente_sandbox import OrderScenario, SandboxHandle, run_sandbox

NOT_FOUND = {"message": "Order Not Found."}
BAD_PARAMS = {"message": "Bad request, check your parameters"}


@pytest.fixture
def orders(order_scenario: OrderScenario) -> Iterator[SandboxHandle]:
    with run_sandbox("jumpseller", order_scenario, rate_limits=None) as handle:
        yield handle


def get(handle: SandboxHandle, path: str, **params: Any) -> Any:
    response = handle.client().get(handle.url(path), params=params or None, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def ids(body: list[dict[str, Any]]) -> list[int]:
    return [item["order"]["id"] for item in body]


def walk(handle: SandboxHandle, path: str, **params: Any) -> list[int]:
    found: list[int] = []
    for page in range(1, 1000):  # bounded: a sandbox that never ends its pages fails, not hangs
        batch = ids(get(handle, path, page=page, limit=100, **params))
        found += batch
        if len(batch) < 100:
            return found
    raise AssertionError(f"{path}: paging never ended")


def test_list_is_newest_first_paged_and_clamped(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    assert len(get(orders, "/v1/orders.json")) == 50
    assert len(get(orders, "/v1/orders.json", limit=500)) == 100
    assert walk(orders, "/v1/orders.json") == sorted(order_scenario.order_ids, reverse=True)
    assert get(orders, "/v1/orders.json", page=9) == []
    assert get(orders, "/v1/orders/count.json") == {"count": 200}


def test_get_one_order_and_not_found(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    order_id = order_scenario.factura[0]
    assert get(orders, f"/v1/orders/{order_id}.json") == {"order": order_scenario.order(order_id)}
    api = orders.client()
    for bad in ("999999", "abc"):
        response = api.get(orders.url(f"/v1/orders/{bad}.json"), timeout=10)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_orders_need_auth(orders: SandboxHandle) -> None:
    assert requests.get(orders.url("/v1/orders.json"), timeout=10).status_code == 401


def test_status_filters(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    s = order_scenario
    both = walk(orders, "/v1/orders.json", **{"status_filters[]": ["pending_payment", "canceled"]})
    assert sorted(both) == sorted(s.pending_payment + s.canceled)
    assert get(orders, "/v1/orders.json", **{"status_filters[]": "created"}) == []
    assert len(get(orders, "/v1/orders.json", status_filters="paid", limit=100)) == 100  # ignored
    assert sorted(walk(orders, "/v1/orders/status/paid.json")) == s.paid
    response = orders.client().get(orders.url("/v1/orders/status/shipped.json"), timeout=10)
    assert (response.status_code, response.json()) == (404, {"message": "Status Invalid."})


def test_fulfillment_filter_and_fields(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    fulfilled = walk(orders, "/v1/orders.json", fulfillment_filters="fulfilled")
    assert sorted(fulfilled) == order_scenario.fulfilled
    both = walk(orders, "/v1/orders.json", fulfillment_filters="unfulfilled,fulfilled")
    assert len(both) == 200
    slim = get(orders, "/v1/orders.json", fields="id,total", limit=3)
    assert all(set(item["order"]) == {"id", "total"} for item in slim)


def test_custom_date_uses_store_local_days(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    # an order created in the Santiago evening is on the next UTC day: it belongs to its local day
    evening = next(o for o in order_scenario.orders if o.local_date != o.created.date())
    day = evening.local_date.isoformat()
    found = walk(orders, "/v1/orders.json", dateFilter="customDate", initialDate=day, finalDate=day)
    expected = [o.id for o in order_scenario.orders if o.local_date == evening.local_date]
    assert sorted(found) == expected and evening.id in found
    utc_day = evening.created.date().isoformat()
    on_utc_day = walk(orders, "/v1/orders.json", dateFilter="customDate", initialDate=utc_day, finalDate=utc_day)
    assert evening.id not in on_utc_day
    api = orders.client()
    for params in (
        {"dateFilter": "customDate", "initialDate": day},
        {"dateFilter": "customDate", "initialDate": day, "finalDate": "31/05/2024"},
        {"dateFilter": "lastweek"},
    ):
        response = api.get(orders.url("/v1/orders.json"), params=params, timeout=10)
        assert (response.status_code, response.json()) == (400, BAD_PARAMS)


def test_relative_date_filters_follow_the_sandbox_clock(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    last_day = order_scenario.start + timedelta(days=order_scenario.days - 1)
    assert orders.inspect_get("clock")["today"] == (last_day + timedelta(days=1)).isoformat()
    assert get(orders, "/v1/orders.json", dateFilter="today") == []
    yesterday = walk(orders, "/v1/orders.json", dateFilter="yesterday")
    assert sorted(yesterday) == [o.id for o in order_scenario.orders if o.local_date == last_day]

    mid = date(2024, 5, 20)
    assert orders.inspect_post("clock", {"today": mid.isoformat()})["today"] == "2024-05-20"
    today = walk(orders, "/v1/orders.json", dateFilter="today")
    assert sorted(today) == [o.id for o in order_scenario.orders if o.local_date == mid]
    week = walk(orders, "/v1/orders.json", dateFilter="last7days")
    assert sorted(week) == [o.id for o in order_scenario.orders if mid - timedelta(days=6) <= o.local_date <= mid]
    clock = orders.inspect_post("clock", {"now": "2024-05-10T23:30:00"})  # naive = store time
    assert (clock["today"], clock["now"]) == ("2024-05-10", "2024-05-11T03:30:00Z")


def test_after_is_ascending_and_needs_a_known_order(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    anchor = order_scenario.order_ids[150]
    after = ids(get(orders, f"/v1/orders/after/{anchor}.json", limit=100))
    assert after == order_scenario.order_ids[151:]
    assert ids(get(orders, f"/v1/orders/after/{anchor}.json", limit=10, page=2)) == order_scenario.order_ids[161:171]
    response = orders.client().get(orders.url("/v1/orders/after/0.json"), timeout=10)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_documents_link_and_list(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    api, order_id = orders.client(), order_scenario.plain[0]
    url = orders.url(f"/v1/orders/{order_id}/documents.json")
    assert api.get(url, timeout=10).json() == []
    document = {"document_type": 1, "external_id": "10001", "public_id": "39-1", "url": "https://x/1.pdf"}
    created = api.post(url, json={"document": {**document, "app_code": "puente"}}, timeout=10)
    assert created.status_code == 200
    assert created.json() == {"document": {**document, "order_id": order_id, "app_code": "puente"}}
    spec_style = api.post(url, json={"document": {"document_type": "0 - credit note", "public_id": "61-1"}}, timeout=10)
    assert spec_style.json()["document"]["document_type"] == 0
    again = api.post(url, json={"document": document}, timeout=10)  # no idempotency
    assert again.status_code == 200
    listed = api.get(url, timeout=10).json()
    assert [d["document"]["public_id"] for d in listed] == ["39-1", "61-1", "39-1"]
    assert [d["order_id"] for d in orders.inspect_get("orders/documents")] == [order_id] * 3


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"document": {"document_type": 2, "public_id": "x"}}, "application/json"),
        ({"document": {"document_type": True, "public_id": "x"}}, "application/json"),
        ({"document": {"document_type": 1}}, "application/json"),
        ({"document_type": 1, "public_id": "x"}, "application/json"),
        ({"document": {"document_type": 1, "public_id": "x"}}, "text/plain"),
    ],
)
def test_bad_documents_are_400(
    orders: SandboxHandle, order_scenario: OrderScenario, body: dict[str, Any], content_type: str
) -> None:
    url = orders.url(f"/v1/orders/{order_scenario.plain[0]}/documents.json")
    response = orders.client().post(url, data=json.dumps(body), headers={"Content-Type": content_type}, timeout=10)
    assert (response.status_code, response.json()) == (400, BAD_PARAMS)
    missing = orders.client().post(orders.url("/v1/orders/999999/documents.json"), json=body, timeout=10)
    assert missing.status_code == 404


def test_lost_response_on_a_document_post_still_links_it(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    orders.set_faults(lost_response_rate=1.0)
    url = orders.url(f"/v1/orders/{order_scenario.plain[1]}/documents.json")
    response = orders.client().post(url, json={"document": {"document_type": 1, "public_id": "33-7"}}, timeout=10)
    assert response.status_code == 500
    orders.clear_faults()
    assert [d["document"]["public_id"] for d in orders.client().get(url, timeout=10).json()] == ["33-7"]


def test_inspection_pays_and_adds_orders(orders: SandboxHandle, order_scenario: OrderScenario) -> None:
    pending = order_scenario.pending_payment[0]
    [paid] = orders.inspect_post("orders", {"orders": [{"id": pending, "status_enum": "paid"}]})
    assert (paid["order"]["status"], paid["order"]["status_enum"]) == ("Paid", "paid")
    assert get(orders, f"/v1/orders/{pending}.json")["order"]["status"] == "Paid"
    line = {**order_scenario.order(order_scenario.plain[0])["products"][0], "qty": 2, "price": 11900.0}
    new = {"order": {"id": 5000, "created_at": "2024-06-01 15:00:00 UTC", "status_enum": "paid", "products": [line]}}
    [added] = orders.inspect_post("orders", {"orders": [new]})
    assert (added["order"]["total"], added["order"]["tax"]) == (23800.0, 3800.0)
    assert ids(get(orders, "/v1/orders.json", limit=1)) == [5000]
    bad = requests.post(orders.url("/_sandbox/orders"), json={"orders": [{"id": 6000}]}, timeout=10)
    assert bad.status_code == 400
