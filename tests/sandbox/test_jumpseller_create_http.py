"""``POST /v1/products.json`` on the Jumpseller sandbox over real HTTP: create, refuse, read back.

Outcomes are read from the sandbox's own record (``/_sandbox/products/created``, the GET routes).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from puente_sandbox import SandboxHandle

VARIANTS = [
    {"variant": {"price": 9990, "sku": "NEW-S", "stock": 4, "stock_unlimited": False,
                 "options": [{"name": "Talla", "option_type": "option", "value": "S"}]}},
    {"variant": {"price": 10990, "sku": "NEW-M", "stock": 0, "stock_unlimited": True,
                 "options": [{"name": "Talla", "option_type": "option", "value": "M"}]}},
]


@pytest.fixture
def api(jumpseller_sandbox: SandboxHandle) -> requests.Session:
    return jumpseller_sandbox.client()


def create(api: requests.Session, sandbox: SandboxHandle, product: Any) -> requests.Response:
    return api.post(sandbox.url("/v1/products.json"), json={"product": product}, timeout=10)


def created(sandbox: SandboxHandle) -> dict[str, Any]:
    return sandbox.inspect_get("/_sandbox/products/created")


def test_a_simple_product_is_created_and_readable_through_get_and_search(api, jumpseller_sandbox) -> None:
    count_before = api.get(jumpseller_sandbox.url("/v1/products/count.json"), timeout=10).json()["count"]
    response = create(api, jumpseller_sandbox, {"name": "Lámpara Nueva", "price": 4990, "sku": "NEW-1",
                                                "stock": 7, "stock_unlimited": False, "status": "available"})
    assert response.status_code == 200
    product = response.json()["product"]
    assert (product["name"], product["sku"], product["stock"], product["price"]) == ("Lámpara Nueva", "NEW-1", 7,
                                                                                      4990.0)
    assert product["permalink"] == "lampara-nueva" and product["variants"] == []
    fetched = api.get(jumpseller_sandbox.url(f"/v1/products/{product['id']}.json"), timeout=10).json()
    assert fetched["product"] == product
    found = api.get(jumpseller_sandbox.url("/v1/products/search.json"), params={"query": "NEW-1", "fields": "sku"},
                    timeout=10).json()
    assert [item["product"]["id"] for item in found] == [product["id"]]
    assert api.get(jumpseller_sandbox.url("/v1/products/count.json"), timeout=10).json()["count"] == count_before + 1
    assert created(jumpseller_sandbox) == {"count": 1, "products": [
        {"id": product["id"], "name": "Lámpara Nueva", "skus": ["NEW-1"]}]}


def test_spec_defaults_apply_to_fields_left_out(api, jumpseller_sandbox) -> None:
    product = create(api, jumpseller_sandbox, {"name": "Mínimo", "price": 10}).json()["product"]
    assert (product["stock"], product["stock_unlimited"], product["status"], product["weight"]) == (
        100, False, "available", 1.0)


def test_a_product_with_variants_keeps_stock_and_options_on_each_variant(api, jumpseller_sandbox) -> None:
    response = create(api, jumpseller_sandbox, {"name": "Polera", "price": 9990, "variants": VARIANTS})
    assert response.status_code == 200
    product = response.json()["product"]
    by_sku = {v["sku"]: v for v in product["variants"]}
    assert by_sku["NEW-S"]["stock"] == 4 and by_sku["NEW-S"]["options"] == [
        {"name": "Talla", "option_type": "option", "value": "S"}]
    assert by_sku["NEW-M"]["stock_unlimited"] is True and by_sku["NEW-M"]["price"] == 10990.0
    assert product["stock"] == 4  # the sum of the limited variants
    variants = api.get(jumpseller_sandbox.url(f"/v1/products/{product['id']}/variants.json"), timeout=10).json()
    assert sorted(v["variant"]["sku"] for v in variants) == ["NEW-M", "NEW-S"]
    listed = {row["sku"]: row for row in jumpseller_sandbox.inspect_get("/_sandbox/listings")}
    assert listed["NEW-S"]["product_id"] == product["id"] and listed["NEW-S"]["variant_id"] == by_sku["NEW-S"]["id"]
    # a bare variant item (the PUT's shape) is taken too; ids are never reused
    second = create(api, jumpseller_sandbox, {"name": "Polera", "price": 1, "variants": [
        {"sku": "NEW-X", "options": [{"name": "Color", "value": "Azul"}]}]}).json()["product"]
    assert second["id"] == product["id"] + 1 and second["permalink"] == "polera-2"
    assert second["variants"][0]["price"] == 1.0 and second["variants"][0]["id"] > max(by_sku[s]["id"] for s in by_sku)


@pytest.mark.parametrize(
    ("product", "message"),
    [
        ({"price": 10}, "Name can't be blank"),
        ({"name": "X"}, "Price can't be blank"),
        ({"name": "  ", "price": 10}, "Name can't be blank"),
        ({"name": "X", "price": "9.990,5"}, "Price is not a number"),
        ({"name": "X", "price": -1}, "Price must be greater than or equal to 0"),
        ({"name": "X", "price": 1, "stock": -3}, "Stock must be greater than or equal to 0"),
        ({"name": "X", "price": 1, "stock_unlimited": "no"}, "Stock unlimited must be true or false"),
        ({"name": "X", "price": 1, "status": "on-sale"}, "Status is not included in the list"),
        ({"name": "X", "price": 1, "variants": "S,M"}, "Variants must be a list of variant objects"),
        ({"name": "X", "price": 1, "variants": [{"variant": {"sku": "A"}}]}, "Variant options can't be blank"),
        ({"name": "X", "price": 1, "variants": [{"variant": {"sku": "A", "options": [{"name": "Talla"}]}}]},
         "Option value can't be blank"),
        ({"name": "X", "price": 1, "variants": [VARIANTS[0], VARIANTS[0]]}, "Variants must have unique option values"),
        ({"name": "X", "price": 1, "variants": [
            VARIANTS[0], {"variant": {"sku": "B", "options": [{"name": "Color", "value": "Rojo"}]}}]},
         "Variants must all have the same options"),
    ],
)
def test_invalid_fields_are_refused_with_the_bad_params_shape_and_store_nothing(
    api, jumpseller_sandbox, product, message
) -> None:
    response = create(api, jumpseller_sandbox, product)
    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert created(jumpseller_sandbox)["count"] == 0


def test_a_body_that_is_not_a_wrapped_json_product_is_a_bad_request(api, jumpseller_sandbox) -> None:
    url = jumpseller_sandbox.url("/v1/products.json")
    assert api.post(url, json={"name": "X", "price": 1}, timeout=10).status_code == 400
    assert api.post(url, data=b'{"product": {"name": "X", "price": 1}}', timeout=10,
                    headers={"Content-Type": "text/plain"}).status_code == 400
    assert created(jumpseller_sandbox)["count"] == 0


def test_creates_are_counted_by_the_rate_limiter_and_logged_as_writes(api, jumpseller_sandbox) -> None:
    for index in range(25):  # the fixture enforces 20 requests/second
        create(api, jumpseller_sandbox, {"name": f"Rápido {index}", "price": 1})
    rejected = jumpseller_sandbox.counters()["rate_limited"]
    assert rejected >= 1
    writes = [w for w in jumpseller_sandbox.writes() if w["method"] == "POST"]  # what ran (a 429 runs nothing)
    assert writes[0]["body"] == {"product": {"name": "Rápido 0", "price": 1}}
    assert created(jumpseller_sandbox)["count"] == len(writes) == 25 - rejected


def test_a_lost_answer_still_creates_the_product(api, jumpseller_sandbox) -> None:
    jumpseller_sandbox.set_faults(lost_response_rate=1.0, seed=1)
    response = create(api, jumpseller_sandbox, {"name": "Perdido", "price": 10, "sku": "LOST-1"})
    jumpseller_sandbox.clear_faults()
    assert response.status_code == 500
    assert [p["skus"] for p in created(jumpseller_sandbox)["products"]] == [["LOST-1"]]
    assert jumpseller_sandbox.writes()[-1]["lost"] is True


def test_removing_products_by_sku_deletes_them_from_the_store(jumpseller_sandbox, catalog_scenario) -> None:
    sku = catalog_scenario.shared_skus[0]
    removed = jumpseller_sandbox.inspect_post("/_sandbox/products/remove", {"skus": [sku]})["removed"]
    assert len(removed) == 1
    assert sku not in {row["sku"] for row in jumpseller_sandbox.inspect_get("/_sandbox/listings")}
