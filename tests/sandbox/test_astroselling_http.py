"""Astroselling sandbox contract over real HTTP: auth, channels, per-channel products, stock/price
updates, the (inferred) orders contract with its filters, limit/offset paging, errors and 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data, run_astroselling_sandbox
from puente_sandbox.astroselling.seed import CHANNELS, FOREIGN_CHANNEL_ID, STATUSES, UNKNOWN_SKU_PREFIX
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.handle import SandboxHandle

ML, FALABELLA = CHANNELS[0][0], CHANNELS[1][0]


@pytest.fixture(scope="module")
def astro() -> Iterator[SandboxHandle]:
    """Read-mostly tests share one account; writing tests use ``fresh``."""
    with run_astroselling_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def fresh() -> Iterator[SandboxHandle]:
    with run_astroselling_sandbox(rate_limits=None) as handle:
        yield handle


def get(sandbox: SandboxHandle, path: str, **params: Any) -> requests.Response:
    return sandbox.client().get(sandbox.url(API_PREFIX + path), params=params or None, timeout=10)


def put(sandbox: SandboxHandle, path: str, body: Any) -> requests.Response:
    return sandbox.client().put(sandbox.url(API_PREFIX + path), json=body, timeout=10)


# --------------------------------------------------------------------------------------- auth
def test_token_by_header_or_query_string(astro: SandboxHandle) -> None:
    url = astro.url(f"{API_PREFIX}/channels")
    by_header = requests.get(url, headers={"Authorization": f"Bearer {DEFAULT_ASTROSELLING_TOKEN}"}, timeout=10)
    by_query = requests.get(url, params={"api_token": DEFAULT_ASTROSELLING_TOKEN}, timeout=10)
    assert by_header.status_code == by_query.status_code == 200
    assert by_header.json() == by_query.json()


@pytest.mark.parametrize(
    ("headers", "params"),
    [({}, {}), ({"Authorization": "Bearer wrong"}, {}), ({}, {"api_token": "test"}), ({"Authorization": "x"}, {})],
)
def test_bad_or_missing_token_is_401_unauthenticated(astro: SandboxHandle, headers, params) -> None:
    answer = requests.get(astro.url(f"{API_PREFIX}/channels"), headers=headers, params=params, timeout=10)
    assert answer.status_code == 401 and answer.json() == {"message": "Unauthenticated."}


def test_a_new_key_invalidates_the_old_one(fresh: SandboxHandle) -> None:
    new = fresh.inspect_post("token/rotate")["api_token"]
    assert len(new) == 60
    assert get(fresh, "/channels").status_code == 401  # the handle still sends the old key
    ok = requests.get(fresh.url(f"{API_PREFIX}/channels"), headers={"Authorization": f"Bearer {new}"}, timeout=10)
    assert ok.status_code == 200


def test_healthcheck_and_unknown_routes(astro: SandboxHandle) -> None:
    assert requests.get(astro.url(f"{API_PREFIX}/healthcheck"), timeout=10).status_code == 200
    missing = get(astro, "/nope")
    assert missing.status_code == 404 and missing.json() == {"message": "Not Found."}


# ------------------------------------------------------------------------- channels, products
def test_channels_are_a_bare_array_with_their_marketplace(astro: SandboxHandle) -> None:
    channels = get(astro, "/channels").json()
    assert isinstance(channels, list) and len(channels) >= 2  # the SDK's tests read data->{1}
    assert {c["marketplace"] for c in channels} >= {"Mercado Libre", "Falabella"}
    for channel in channels:
        assert set(channel) == {"id", "name", "sync_method", "type", "marketplace"}
        assert channel["sync_method"] == "push"


def test_products_page_with_limit_and_offset(astro: SandboxHandle) -> None:
    seen: list[str] = []
    for offset in range(0, 1500, 15):  # bounded: a sandbox that never ends its pages fails, not hangs
        body = get(astro, f"/channels/{ML}/products", limit=15, offset=offset).json()
        assert set(body) == {"data", "meta_data"}
        assert body["meta_data"] == {"total": 40, "limit": 15, "offset": offset}
        seen += [p["sku"] for p in body["data"]]
        if len(body["data"]) < 15:
            break
    else:
        pytest.fail("products paging never ended")
    assert seen == [f"SKU-{i:04d}" for i in range(1, 41)]
    default = get(astro, f"/channels/{ML}/products").json()["meta_data"]
    capped = get(astro, f"/channels/{ML}/products", limit=10_000).json()["meta_data"]
    assert (default["limit"], capped["limit"]) == (20, 500)


def test_product_fields_one_currency_and_a_channel_missing_a_sku(astro: SandboxHandle) -> None:
    product = get(astro, f"/channels/{ML}/products/SKU-0003").json()
    assert set(product) == {"channel_id", "id_in_erp", "sku", "title", "price", "currency", "stock",
                            "description", "extra_info", "variations", "images"}  # fmt: skip
    assert product["channel_id"] == ML and product["currency"] == "COP"
    falabella = get(astro, f"/channels/{FALABELLA}/products", limit=500).json()
    assert falabella["meta_data"]["total"] < 40  # a SKU is not listed there
    assert {p["currency"] for p in falabella["data"]} == {"COP"}


def test_foreign_and_unknown_channels_and_products(astro: SandboxHandle) -> None:
    foreign = get(astro, f"/channels/{FOREIGN_CHANNEL_ID}/products")
    assert foreign.status_code == 403 and foreign.json() == {"message": "This action is unauthorized."}
    assert get(astro, "/channels/1/products").status_code == 404
    assert get(astro, f"/channels/{ML}/products/NOPE").json() == {"message": "Not Found."}


def test_partial_update_sets_stock_and_price_per_channel(fresh: SandboxHandle) -> None:
    before_other = get(fresh, f"/channels/{FALABELLA}/products/SKU-0001").json()
    updated = put(fresh, f"/channels/{ML}/products/SKU-0001", {"price": 103, "stock": 8})
    assert updated.status_code == 200  # 200, not 201: the SDK treats anything else as failure
    body = updated.json()
    assert (body["price"], body["stock"], body["sku"]) == (103, 8, "SKU-0001") and body["title"]  # full product
    only_stock = put(fresh, f"/channels/{ML}/products/SKU-0001", {"stock": 0}).json()
    assert (only_stock["price"], only_stock["stock"]) == (103, 0)
    assert get(fresh, f"/channels/{FALABELLA}/products/SKU-0001").json() == before_other
    writes = [w for w in fresh.writes() if w["method"] == "PUT"]
    assert [w["body"] for w in writes] == [{"price": 103, "stock": 8}, {"stock": 0}]


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"price": "cien"}, "price", "The price must be a number."),
        ({"stock": 1.5}, "stock", "The stock must be an integer."),
        ({"stock": -1}, "stock", "The stock must be at least 0."),
        ({"images": "https://x/y.jpg"}, "images", "The images must be an array."),
    ],
)
def test_invalid_updates_are_422_laravel_style(fresh: SandboxHandle, body, field, text) -> None:
    answer = put(fresh, f"/channels/{ML}/products/SKU-0002", body)
    assert answer.status_code == 422
    assert answer.json() == {"message": "The given data was invalid.", "errors": {field: [text]}}


def test_create_update_unknown_and_delete(fresh: SandboxHandle) -> None:
    assert put(fresh, f"/channels/{ML}/products/NUEVO-1", {"stock": 1}).status_code == 404  # SDK: then POST
    url = fresh.url(f"{API_PREFIX}/channels/{ML}/products")
    product = {"id_in_erp": "NUEVO-1", "sku": "NUEVO-1", "title": "Nuevo", "price": 1000, "stock": 2, "currency": "COP"}
    created = fresh.client().post(url, json=product, timeout=10)
    assert created.status_code == 200 and created.json()["stock"] == 2
    assert fresh.client().post(url, json=product, timeout=10).status_code == 422  # id_in_erp taken
    deleted = fresh.client().delete(f"{url}/NUEVO-1", timeout=10)
    assert deleted.status_code == 200 and get(fresh, f"/channels/{ML}/products/NUEVO-1").status_code == 404


# ------------------------------------------------------------------------- orders (inferred)
def all_orders(sandbox: SandboxHandle, **params: Any) -> list[dict[str, Any]]:
    body = get(sandbox, "/orders", limit=500, **params).json()
    assert body["meta_data"]["total"] == len(body["data"])
    return body["data"]


def test_seeded_orders_cover_every_case(astro: SandboxHandle) -> None:
    orders = all_orders(astro)
    assert len(orders) == 100
    assert {o["status"] for o in orders} == set(STATUSES)
    assert {o["channel_id"] for o in orders} == {c[0] for c in CHANNELS}
    fulfillment = [o for o in orders if o["fulfillment"]]
    assert fulfillment and {o["logistic_type"] for o in fulfillment} == {"fulfillment"}
    assert all(o["channel_type"] == "mercadolibre" for o in fulfillment)
    lines = [i for o in orders for i in o["items"]]
    assert any(i["price"] == 0 for i in lines) and any(i["sku"].startswith(UNKNOWN_SKU_PREFIX) for i in lines)
    assert any(o["buyer"]["email"] is None and o["buyer"]["document_number"] is None for o in orders)
    for order in orders:
        assert set(order["buyer"]) == {"name", "email", "phone", "document_type", "document_number", "city"}
        assert order["currency"] == "COP" and order["created_at"].endswith("-05:00")
        lines_total = sum(i["quantity"] * i["price"] for i in order["items"])
        assert order["total"] == pytest.approx(lines_total + order["shipping"]["cost"])


def test_order_filters(astro: SandboxHandle) -> None:
    orders = all_orders(astro)
    wanted = {"pending", "cancelled"}
    by_status = all_orders(astro, status="pending,cancelled")
    assert [o["id"] for o in by_status] == [o["id"] for o in orders if o["status"] in wanted]
    repeated = astro.client().get(astro.url(f"{API_PREFIX}/orders"), params=[("status[]", "pending"),
                                  ("status[]", "cancelled"), ("limit", 500)], timeout=10)  # fmt: skip
    assert repeated.json()["data"] == by_status
    by_channel = all_orders(astro, channel_id=f"{ML},{FALABELLA}")
    assert {o["channel_id"] for o in by_channel} == {ML, FALABELLA}
    window = all_orders(astro, created_from="2024-05-05", created_to="2024-05-09")
    assert window and all("2024-05-05" <= o["created_at"][:10] <= "2024-05-09" for o in window)
    assert len(window) == sum("2024-05-05" <= o["created_at"][:10] <= "2024-05-09" for o in orders)
    instant = all_orders(astro, created_from="2024-05-05T10:00:00-05:00", created_to="2024-05-05T20:00:00Z")
    in_window = [o["id"] for o in orders if "2024-05-05T10:00:00" <= o["created_at"][:19] <= "2024-05-05T15:00:00"]
    assert [o["id"] for o in instant] == in_window  # bounds are instants; 20:00Z is 15:00 in Bogotá
    assert all(o["fulfillment"] for o in all_orders(astro, fulfillment="true"))
    assert [o["created_at"] for o in orders] == sorted(o["created_at"] for o in orders)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "paid"}, "status"), ({"created_from": "ayer"}, "created_from"), ({"channel_id": "ml"}, "channel_id")],
)
def test_bad_order_filters_are_422(astro: SandboxHandle, params, field) -> None:
    answer = get(astro, "/orders", **params)
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {field}


def test_orders_page_to_the_end(astro: SandboxHandle) -> None:
    ids: list[str] = []
    for offset in range(0, 100, 30):
        page = get(astro, "/orders", limit=30, offset=offset).json()
        assert page["meta_data"] == {"total": 100, "limit": 30, "offset": offset}
        ids += [o["id"] for o in page["data"]]
    assert len(ids) == len(set(ids)) == 100


def test_get_order_invoice_it_and_edit_it_from_the_sandbox(fresh: SandboxHandle) -> None:
    order = get(fresh, "/orders/AS-100007").json()
    assert order["invoiced"] is False and order["invoice"] is None
    assert get(fresh, "/orders/AS-999").status_code == 404
    assert put(fresh, "/orders/AS-100007/invoice", {}).status_code == 422
    invoice = {"invoice_number": "FE-1001", "invoice_url": "https://erp/fe-1001.pdf", "cae": "cufe-123"}
    done = put(fresh, "/orders/AS-100007/invoice", invoice).json()
    assert done["invoiced"] is True and done["invoice"]["invoice_number"] == "FE-1001"
    added = fresh.inspect_post("orders", {"channel_id": ML, "items": [{"sku": "SKU-0001", "id_in_erp": "SKU-0001",
                               "title": "x", "quantity": 2, "price": 5000.0}], "buyer": {"name": "Ana"}})  # fmt: skip
    assert added["total"] == 10000.0 and added["status"] == "pending" and added["channel_type"] == "mercadolibre"
    assert fresh.inspect_post("orders", {"id": added["id"], "status": "shipped"})["status"] == "shipped"
    assert get(fresh, f"/orders/{added['id']}").json()["status"] == "shipped"


def test_the_seed_is_deterministic_and_follows_given_skus() -> None:
    skus = ["ABC-1", "ABC-2", "ABC-3"]
    first = generate_astroselling_data(5, skus=skus, n_orders=20)
    assert first == generate_astroselling_data(5, skus=skus, n_orders=20)
    assert [p["sku"] for p in first.products[ML]] == skus
    assert first != generate_astroselling_data(6, skus=skus, n_orders=20)


# ----------------------------------------------------------------------------- rate limiting
def test_over_budget_is_429_too_many_attempts_with_retry_after() -> None:
    with run_astroselling_sandbox(rate_limits=((3, 60.0),)) as sandbox:
        answers = [get(sandbox, "/channels") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "3" and answers[2].headers["X-RateLimit-Remaining"] == "0"
        assert answers[3].json() == {"message": "Too Many Attempts."} and int(answers[3].headers["Retry-After"]) >= 1
        assert sandbox.counters()["rate_limited"] == 1
