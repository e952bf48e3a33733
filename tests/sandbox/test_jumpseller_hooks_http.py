"""The Jumpseller sandbox's webhooks over HTTP: /v1/hooks CRUD as the OpenAPI has it, and signed
deliveries to a real loopback server with Jumpseller's retries, backoff and hook deletion."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
import requests

from puente_sandbox.credentials import DEFAULT_HOOKS_TOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.stack import run_sandbox
from scripted_server import Reply


@pytest.fixture
def store():
    with run_sandbox("jumpseller", CatalogScenario.generate(n_products=6, seed=3), rate_limits=None) as handle:
        yield handle


def _hook(store, event: str, url: str) -> requests.Response:
    return store.client().post(store.url("/v1/hooks.json"), json={"hook": {"event": event, "url": url}}, timeout=10)


def _wait(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out")


def _paid(store, order_id: int = 990001) -> None:
    store.inspect_post("orders", {"orders": [{"id": order_id, "status_enum": "pending_payment",
                                              "created_at": "2024-06-01 10:00:00 UTC"}]})
    store.session.put(store.url(f"/_sandbox/orders/{order_id}"), json={"status_enum": "paid"}, timeout=10)


def test_hooks_crud_follows_the_openapi(store):
    created = _hook(store, "order_paid", "https://example.com/hook")
    assert created.status_code == 200
    hook = created.json()["hook"]
    assert set(hook) == {"id", "name", "event", "url", "created_at"} and hook["event"] == "order_paid"
    listed = store.client().get(store.url("/v1/hooks.json"), timeout=10).json()
    assert listed == [{"hook": hook}]
    moved = store.client().put(store.url(f"/v1/hooks/{hook['id']}.json"),
                              json={"hook": {"event": "order_paid", "url": "https://example.org/new"}}, timeout=10)
    assert moved.status_code == 200 and moved.json()["hook"]["url"] == "https://example.org/new"
    assert store.client().get(store.url(f"/v1/hooks/{hook['id']}.json"), timeout=10).json()["hook"]["url"] \
        == "https://example.org/new"
    assert store.client().delete(store.url(f"/v1/hooks/{hook['id']}.json"), timeout=10).status_code == 200
    gone = store.client().get(store.url(f"/v1/hooks/{hook['id']}.json"), timeout=10)
    assert gone.status_code == 404 and gone.json() == {"message": "Hook Not Found."}


@pytest.mark.parametrize("body", [{"hook": {"event": "order_teleported", "url": "https://example.com"}},
                                  {"hook": {"event": "order_paid"}}, {"hook": {"event": "order_paid", "url": "ftp://x"}},
                                  {"event": "order_paid", "url": "https://example.com"}])
def test_a_bad_hook_is_400_with_the_message_shape(store, body):
    answer = store.client().post(store.url("/v1/hooks.json"), json=body, timeout=10)
    assert answer.status_code == 400 and set(answer.json()) == {"message"}


def test_hooks_need_the_store_credentials(store):
    assert requests.get(store.url("/v1/hooks.json"), timeout=10).status_code == 401


def test_a_paid_order_is_delivered_signed_to_the_registered_url(store, server):
    _hook(store, "order_paid", f"{server.base_url}/in/paid")
    _hook(store, "product_updated", f"{server.base_url}/in/product")
    _paid(store)
    seen = _wait(lambda: [s for s in server.seen if s.path == "/in/paid"])
    delivery = seen[0]
    expected = base64.b64encode(hmac.new(DEFAULT_HOOKS_TOKEN.encode(), delivery.raw, hashlib.sha256).digest())
    assert delivery.headers["jumpseller-hmac-sha256"] == expected.decode()
    assert delivery.headers["jumpseller-event"] == "order_paid"
    assert delivery.headers["jumpseller-store-code"] == DEFAULT_LOGIN
    assert delivery.body["order"]["id"] == 990001 and delivery.body["order"]["status_enum"] == "paid"
    assert not [s for s in server.seen if s.path == "/in/product"]  # no product changed
    records = _wait(lambda: [d for d in store.inspect_get("hooks/deliveries") if d["state"] == "delivered"])
    assert records[0]["attempts"][0]["status"] == 200


def test_a_merchant_stock_edit_is_delivered_as_product_updated_and_stock_updated(store, server):
    _hook(store, "product_updated", f"{server.base_url}/in")
    _hook(store, "product_stock_updated", f"{server.base_url}/in")
    listing = store.inspect_get("listings")[0]
    store.inspect_post("listings/edit", {"sku": listing["sku"], "stock": listing["stock"] + 5})
    _wait(lambda: len(server.seen) >= 2)
    events = sorted(s.headers["jumpseller-event"] for s in server.seen)
    assert events == ["product_stock_updated", "product_updated"]
    assert {s.body["product"]["id"] for s in server.seen} == {listing["product_id"]}
    store.inspect_post("listings/edit", {"sku": listing["sku"], "price": listing["price"] + 1})  # price only
    _wait(lambda: len(server.seen) >= 3)
    time.sleep(0.2)
    assert [s.headers["jumpseller-event"] for s in server.seen[2:]] == ["product_updated"]


def test_a_failed_delivery_is_retried_after_n4_minutes_then_delivered(store, server):
    minute = 0.02
    store.inspect_post("hooks/settings", {"minute_s": minute})
    server.queue(Reply(500), Reply(503))
    _hook(store, "order_paid", f"{server.base_url}/in")
    _paid(store)
    _wait(lambda: len(server.seen) >= 3)
    gaps = [later.at - earlier.at for earlier, later in zip(server.seen, server.seen[1:], strict=False)]
    assert gaps[0] >= 1 * minute and gaps[1] >= 16 * minute  # retry N waits N^4 "minutes"
    record = _wait(lambda: [d for d in store.inspect_get("hooks/deliveries") if d["state"] == "delivered"])[0]
    assert [a["status"] for a in record["attempts"]] == [500, 503, 200]
    assert len({s.headers["jumpseller-hmac-sha256"] for s in server.seen}) == 1  # the same signed body


def test_a_slow_receiver_times_out_and_is_retried(store, server):
    store.inspect_post("hooks/settings", {"minute_s": 0.001, "timeout_s": 0.2})
    server.queue(Reply(200, delay=0.6))
    _hook(store, "order_paid", f"{server.base_url}/in")
    _paid(store)
    record = _wait(lambda: [d for d in store.inspect_get("hooks/deliveries") if d["state"] == "delivered"])[0]
    assert record["attempts"][0].get("error") == "ReadTimeout" and record["attempts"][1]["status"] == 200


def test_ten_failed_attempts_delete_the_hook(store, server):
    store.inspect_post("hooks/settings", {"minute_s": 0.0002})  # 9 retries: sum(N^4) = 15333 "minutes" ~ 3 s
    server.default = Reply(500)
    _hook(store, "order_paid", f"{server.base_url}/in")
    _hook(store, "product_updated", f"{server.base_url}/other")  # another hook is not touched
    _paid(store)
    state = _wait(lambda: (found := store.inspect_get("hooks"))["removed"] and found, seconds=20)
    assert len([s for s in server.seen if s.path == "/in"]) == 10
    assert [h["event"] for h in state["hooks"]] == ["product_updated"]
    assert state["removed"][0]["event"] == "order_paid" and "10 failed attempts" in state["removed"][0]["reason"]
    assert store.inspect_get("hooks/deliveries")[0]["state"] == "failed"
    _paid(store, 990002)  # the deleted hook gets nothing more
    time.sleep(0.3)
    assert len([s for s in server.seen if s.path == "/in"]) == 10


def test_an_order_taking_stock_is_delivered_as_product_stock_updated(store, server):
    _hook(store, "product_stock_updated", f"{server.base_url}/in")
    row = next(r for r in store.inspect_get("listings") if not r["stock_unlimited"] and r["stock"] >= 2)
    store.inspect_post("orders", {"orders": [{
        "id": 990010, "created_at": "2024-06-01 15:00:00 UTC", "status_enum": "pending_payment",
        "products": [{"id": row["product_id"], "variant_id": row["variant_id"], "sku": row["sku"], "name": "x",
                      "qty": 2, "price": 1000.0}]}]})
    delivery = _wait(lambda: server.seen)[0]
    assert delivery.body["product"]["id"] == row["product_id"]
    shown = delivery.body["product"]
    stock = next(v["stock"] for v in shown["variants"] if v["id"] == row["variant_id"]) if row["variant_id"] \
        else shown["stock"]
    assert stock == row["stock"] - 2  # the body is the product after the sale
