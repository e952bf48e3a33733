"""Jumpseller sandbox contract over real HTTP: auth, paging, products/variants, validation.

The ``jumpseller_sandbox`` fixture enforces the real 20/s budget, so each test stays well under
20 requests (or uses a sandbox without limits).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from puente_sandbox import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN, CatalogScenario, SandboxHandle

RATE_HEADERS = (
    "Jumpseller-PerMinuteRateLimit-Limit",
    "Jumpseller-PerMinuteRateLimit-Remaining",
    "Jumpseller-PerSecondRateLimit-Limit",
    "Jumpseller-PerSecondRateLimit-Remaining",
)


@pytest.fixture
def api(jumpseller_sandbox: SandboxHandle) -> requests.Session:
    return jumpseller_sandbox.client()


def products_with_variants(scenario: CatalogScenario) -> list[Any]:
    return [p for p in scenario.jumpseller.products if p.variants]


def simple_product(scenario: CatalogScenario) -> Any:
    shared = set(scenario.shared_skus)
    return next(p for p in scenario.jumpseller.products if not p.variants and p.sku in shared)


def test_basic_auth_and_deprecated_query_auth(jumpseller_sandbox: SandboxHandle) -> None:
    url = jumpseller_sandbox.url("/v1/products/count.json")
    assert requests.get(url, auth=(DEFAULT_LOGIN, DEFAULT_AUTHTOKEN), timeout=10).status_code == 200
    query = {"login": DEFAULT_LOGIN, "authtoken": DEFAULT_AUTHTOKEN}
    assert requests.get(url, params=query, timeout=10).status_code == 200
    token = base64.b64encode(f"{DEFAULT_LOGIN}:{DEFAULT_AUTHTOKEN}".encode()).decode()
    assert requests.get(url, headers={"Authorization": f"Basic {token}"}, timeout=10).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"auth": (DEFAULT_LOGIN, "x" * 32)},
        {"auth": ("someone-else", DEFAULT_AUTHTOKEN)},
        {"params": {"login": DEFAULT_LOGIN, "authtoken": "nope"}},
        {"headers": {"Authorization": f"Bearer {DEFAULT_AUTHTOKEN}"}},
    ],
)
def test_bad_auth_is_401_with_message(jumpseller_sandbox: SandboxHandle, kwargs: dict[str, Any]) -> None:
    response = requests.get(jumpseller_sandbox.url("/v1/products.json"), timeout=10, **kwargs)
    assert response.status_code == 401
    assert set(response.json()) == {"message"}
    assert all(h in response.headers for h in RATE_HEADERS)


def test_page_walk_returns_every_product_once(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    seen: list[int] = []
    for page in range(1, 1000):  # bounded: a sandbox that never ends its pages fails, not hangs
        batch = api.get(
            jumpseller_sandbox.url("/v1/products.json"), params={"page": page, "limit": 10}, timeout=10
        )
        assert batch.status_code == 200 and isinstance(batch.json(), list)
        ids = [item["product"]["id"] for item in batch.json()]
        seen.extend(ids)
        if len(ids) < 10:
            break
    else:
        pytest.fail("products paging never ended")
    assert seen == [p.id for p in catalog_scenario.jumpseller.products]
    count = api.get(jumpseller_sandbox.url("/v1/products/count.json"), timeout=10).json()
    assert count == {"count": len(seen)}
    beyond = api.get(jumpseller_sandbox.url("/v1/products.json"), params={"page": 99}, timeout=10)
    assert beyond.json() == []


def test_limit_defaults_to_50_and_clamps_at_100(start_catalog_sandboxes: Any) -> None:
    with start_catalog_sandboxes(n_products=130, seed=11) as stack:
        api, url = stack.jumpseller.client(), stack.jumpseller.url("/v1/products.json")
        total = api.get(stack.jumpseller.url("/v1/products/count.json"), timeout=10).json()["count"]
        assert total > 100
        assert len(api.get(url, timeout=10).json()) == 50
        assert len(api.get(url, params={"limit": 500}, timeout=10).json()) == 100
        assert len(api.get(url, params={"limit": 500, "page": 2}, timeout=10).json()) == total - 100


def test_simple_product_shape_and_update(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    product = simple_product(catalog_scenario)
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}.json")
    body = api.get(url, timeout=10).json()
    assert set(body) == {"product"}
    fields = body["product"]
    assert fields["sku"] == product.sku and fields["variants"] == []
    assert isinstance(fields["stock"], int) and isinstance(fields["stock_unlimited"], bool)
    assert isinstance(fields["price"], float) and fields["status"] == "available"
    response = api.put(
        url, json={"product": {"stock": 7, "price": 12990, "stock_unlimited": False}}, timeout=10
    )
    assert response.status_code == 200
    assert (response.json()["product"]["stock"], response.json()["product"]["price"]) == (7, 12990.0)
    assert response.json()["product"]["updated_at"] != fields["updated_at"]
    again = api.get(url, timeout=10).json()["product"]
    assert (again["stock"], again["price"]) == (7, 12990.0)
    listing = next(row for row in jumpseller_sandbox.inspect_get("listings") if row["sku"] == product.sku)
    assert listing == {
        "sku": product.sku,
        "product_id": product.id,
        "variant_id": None,
        "stock": 7,
        "stock_unlimited": False,
        "price": 12990.0,
    }


def test_product_with_variants_keeps_stock_per_variant(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    product = products_with_variants(catalog_scenario)[0]
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}.json")
    before = api.get(url, timeout=10).json()["product"]
    assert before["stock"] == sum(v["stock"] for v in before["variants"] if not v["stock_unlimited"])
    after = api.put(url, json={"product": {"stock": 999}}, timeout=10).json()["product"]
    assert after["stock"] == before["stock"]  # product-level stock is not where variant stock lives
    first = before["variants"][0]
    body = {"product": {"variants": [{"id": first["id"], "stock": 3, "price": 990}]}}
    after = api.put(url, json=body, timeout=10).json()["product"]
    assert (after["variants"][0]["stock"], after["variants"][0]["price"]) == (3, 990.0)
    bad = api.put(url, json={"product": {"variants": [{"id": 1, "stock": 3}]}}, timeout=10)
    assert bad.status_code == 400 and set(bad.json()) == {"message"}


def test_variant_endpoints(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    product = products_with_variants(catalog_scenario)[0]
    listed = api.get(jumpseller_sandbox.url(f"/v1/products/{product.id}/variants.json"), timeout=10).json()
    assert [item["variant"]["id"] for item in listed] == [v.id for v in product.variants]
    variant = product.variants[-1]
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}/variants/{variant.id}.json")
    body = api.get(url, timeout=10).json()
    assert set(body) == {"variant"} and body["variant"]["sku"] == variant.sku
    assert body["variant"]["options"] and set(body["variant"]["options"][0]) == {
        "name",
        "option_type",
        "value",
    }
    changed = {"variant": {"stock": 0, "stock_unlimited": True, "price": 4990.5, "sku": variant.sku}}
    response = api.put(url, json=changed, timeout=10)
    assert response.status_code == 200 and response.json()["variant"]["stock_unlimited"] is True
    parent = api.get(jumpseller_sandbox.url(f"/v1/products/{product.id}.json"), timeout=10).json()["product"]
    assert next(v for v in parent["variants"] if v["id"] == variant.id)["price"] == 4990.5
    listing = next(row for row in jumpseller_sandbox.inspect_get("listings") if row["sku"] == variant.sku)
    assert (listing["product_id"], listing["variant_id"], listing["stock_unlimited"]) == (
        product.id,
        variant.id,
        True,
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"product": {"stock": -1}}, "Stock must be greater than or equal to 0"),
        ({"product": {"stock": 2.5}}, "Stock must be an integer"),
        ({"product": {"price": "abc"}}, "Price is not a number"),
        ({"product": {"price": -10}}, "Price must be greater than or equal to 0"),
        ({"product": {"stock_unlimited": "maybe"}}, "Stock unlimited must be true or false"),
        ({"product": {"status": "gone"}}, "Status is not included in the list"),
        ({"stock": 5}, "Bad request, check your parameters"),
        ([1, 2], "Bad request, check your parameters"),
    ],
)
def test_invalid_product_writes_are_rejected_and_change_nothing(
    api: requests.Session,
    jumpseller_sandbox: SandboxHandle,
    catalog_scenario: CatalogScenario,
    payload: Any,
    message: str,
) -> None:
    product = simple_product(catalog_scenario)
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}.json")
    before = api.get(url, timeout=10).json()
    response = api.put(url, json=payload, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert api.get(url, timeout=10).json() == before


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{not json", "application/json"), ('{"product": {"stock": 1}}', "text/plain")],
)
def test_unparseable_or_untyped_bodies_are_rejected(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, data: str, content_type: str
) -> None:
    response = api.put(
        jumpseller_sandbox.url("/v1/products/10001.json"),
        data=data,
        headers={"Content-Type": content_type},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Bad request, check your parameters"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/products/1.json"),
        ("GET", "/v1/products/abc.json"),
        ("PUT", "/v1/products/1.json"),
        ("GET", "/v1/products/1/variants.json"),
        ("GET", "/v1/products/10001/variants/1.json"),
        ("PUT", "/v1/products/10001/variants/1.json"),
    ],
)
def test_not_found_bodies(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, method: str, path: str
) -> None:
    response = api.request(method, jumpseller_sandbox.url(path), json={"variant": {"stock": 1}}, timeout=10)
    assert response.status_code == 404
    assert response.json() == {"message": "Product Not Found."}


def test_search_finds_variant_skus(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    product = products_with_variants(catalog_scenario)[0]
    sku = product.variants[1].sku
    url = jumpseller_sandbox.url("/v1/products/search.json")
    found = api.get(url, params={"query": sku, "fields": "sku"}, timeout=10).json()
    assert product.id in [item["product"]["id"] for item in found]
    name_only = api.get(url, params={"query": sku, "fields": "name"}, timeout=10).json()
    assert name_only == []
    missing = api.get(url, params={"query": ""}, timeout=10)
    assert missing.status_code == 404 and missing.json() == {"message": "Invalid query."}


def test_store_info(api: requests.Session, jumpseller_sandbox: SandboxHandle) -> None:
    body = api.get(jumpseller_sandbox.url("/v1/store/info.json"), timeout=10).json()
    assert body["store"]["code"] == DEFAULT_LOGIN and body["store"]["currency"] == "CLP"


def test_merchant_edit_via_inspection(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    rows = jumpseller_sandbox.inspect_get("listings")
    assert [row["sku"] for row in rows] == catalog_scenario.jumpseller_skus
    sku = catalog_scenario.multi_variant_skus[0]
    if sku in catalog_scenario.bsale_only_skus:
        sku = next(
            s for s in catalog_scenario.multi_variant_skus if s not in catalog_scenario.bsale_only_skus
        )
    edited = jumpseller_sandbox.inspect_post("listings/edit", {"sku": sku, "stock": 11, "price": 1000})
    assert edited[0]["stock"] == 11 and edited[0]["variant_id"] is not None
    url = jumpseller_sandbox.url(
        f"/v1/products/{edited[0]['product_id']}/variants/{edited[0]['variant_id']}.json"
    )
    assert api.get(url, timeout=10).json()["variant"]["stock"] == 11
    assert jumpseller_sandbox.writes() == []  # merchant edits are not API writes
    with pytest.raises(requests.HTTPError):
        jumpseller_sandbox.inspect_post("listings/edit", {"sku": "NOPE", "stock": 1})
    with pytest.raises(requests.HTTPError):
        jumpseller_sandbox.inspect_post("listings/edit", {"sku": sku, "stock": -1})


def test_write_log_records_api_writes(
    api: requests.Session, jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    product = simple_product(catalog_scenario)
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}.json")
    api.put(url, json={"product": {"stock": 4}}, timeout=10)
    api.put(url, json={"product": {"stock": -4}}, timeout=10)
    writes = jumpseller_sandbox.writes()
    assert [(w["method"], w["status"], w["body"]) for w in writes] == [
        ("PUT", 200, {"product": {"stock": 4}}),
        ("PUT", 400, {"product": {"stock": -4}}),
    ]
    assert writes[0]["route"] == "PUT /v1/products/{product_id}.json" and writes[0]["lost"] is False
    counters = jumpseller_sandbox.counters()
    assert counters["by_route"]["PUT /v1/products/{product_id}.json"] == 2
    assert counters["writes"] == 2
