"""Bsale sandbox contract over real HTTP: auth, paging, filters, writes, business rules."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from puente_sandbox import DEFAULT_ACCESS_TOKEN, CatalogScenario, SandboxHandle

AUTH_ERROR = {"error": "Sorry, this request can not be authenticated"}


@pytest.fixture
def api(bsale_sandbox: SandboxHandle) -> requests.Session:
    return bsale_sandbox.client()


def get(api: requests.Session, sandbox: SandboxHandle, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(sandbox.url(path), params=params or None, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def walk(api: requests.Session, url: str) -> list[dict[str, Any]]:
    """Follow ``next`` links the way a hook would; assert every page's envelope."""
    items: list[dict[str, Any]] = []
    for _ in range(1000):  # bounded: ``next`` links that never end fail, not hang
        if not url:
            return items
        page = api.get(url, timeout=10).json()
        assert set(page) <= {"href", "count", "limit", "offset", "items", "next"}
        assert page["limit"] <= 50
        items.extend(page["items"])
        url = page.get("next")
    raise AssertionError("next links never ended")


@pytest.mark.parametrize(
    "headers", [{}, {"access_token": "wrong"}, {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}"}]
)
def test_bad_or_missing_token_is_rejected(bsale_sandbox: SandboxHandle, headers: dict[str, str]) -> None:
    response = requests.get(bsale_sandbox.url("/v1/variants.json"), headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json() == AUTH_ERROR


def test_next_walk_returns_every_variant_once_with_limit_clamped_to_50(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    first = get(api, bsale_sandbox, "/v1/variants.json", limit=500)
    assert first["limit"] == 50 and first["offset"] == 0 and len(first["items"]) == 50
    assert first["next"].startswith(bsale_sandbox.base_url + "/v1/variants.json?")
    assert first["href"] == bsale_sandbox.url("/v1/variants.json")
    items = walk(api, bsale_sandbox.url("/v1/variants.json?limit=500"))
    codes = [item["code"] for item in items]
    assert codes == catalog_scenario.bsale_skus  # each exactly once, in id order
    default_page = get(api, bsale_sandbox, "/v1/variants.json")
    assert default_page["limit"] == 25 and default_page["count"] == len(codes)


def test_last_page_has_no_next(api: requests.Session, bsale_sandbox: SandboxHandle) -> None:
    count = get(api, bsale_sandbox, "/v1/variants/count.json")["count"]
    last = get(api, bsale_sandbox, "/v1/variants.json", limit=10, offset=count - 3)
    assert len(last["items"]) == 3 and "next" not in last


def test_next_keeps_filters(api: requests.Session, bsale_sandbox: SandboxHandle) -> None:
    stocks = walk(api, bsale_sandbox.url("/v1/stocks.json?officeid=1&limit=7"))
    assert stocks and {s["office"]["id"] for s in stocks} == {"1"}


def test_variant_shape_and_expand(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.serial_skus[0]
    page = get(api, bsale_sandbox, "/v1/variants.json", code=sku, expand="[product]")
    assert page["count"] == 1
    variant = page["items"][0]
    assert variant["code"] == sku and variant["serialNumber"] == 1
    assert isinstance(variant["id"], int) and variant["unlimitedStock"] in (0, 1)
    assert variant["product"]["name"] and variant["product"]["classification"] == 0
    plain = get(api, bsale_sandbox, f"/v1/variants/{variant['id']}.json")
    assert plain["product"] == {"href": variant["product"]["href"], "id": str(variant["product"]["id"])}


def test_variant_filters(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    inactive = get(api, bsale_sandbox, "/v1/variants.json", state=1, limit=50)
    assert {v["code"] for v in inactive["items"]} == set(catalog_scenario.inactive_skus)
    assert get(api, bsale_sandbox, "/v1/variants/count.json", state=1)["count"] == len(
        catalog_scenario.inactive_skus
    )
    product_id = catalog_scenario.bsale.variants[0].product_id
    by_product = get(api, bsale_sandbox, "/v1/variants.json", productid=product_id)
    assert by_product["count"] >= 1 and all(
        v["product"]["id"] == str(product_id) for v in by_product["items"]
    )
    packs = get(api, bsale_sandbox, "/v1/products.json", classification=3)
    assert packs["count"] == len(catalog_scenario.pack_skus)
    assert all(p["stockControl"] == 0 for p in packs["items"])


def test_stock_filters_with_bracket_lists(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    variant = catalog_scenario.bsale.variants[1]
    by_id = get(api, bsale_sandbox, "/v1/stocks.json", variantid=f"[{variant.id}]")
    by_code = get(api, bsale_sandbox, "/v1/stocks.json", code=f"[{variant.code}]")
    assert by_id["items"] == by_code["items"] and by_id["count"] >= 1
    row = get(api, bsale_sandbox, "/v1/stocks.json", code=variant.code, officeid=1, expand="[variant,office]")
    item = row["items"][0]
    assert item["variant"]["code"] == variant.code and item["office"]["name"] == "Casa Matriz"
    assert isinstance(item["quantity"], float)
    assert item["quantityAvailable"] == item["quantity"] - item["quantityReserved"]
    two = get(api, bsale_sandbox, "/v1/stocks.json", code="[SKU-1001,SKU-1002]", officeid=1)
    assert {i["variant"]["id"] for i in two["items"]} <= {"1001", "1002"}


def test_reserved_stock_is_not_available(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.reserved_skus[0]
    item = get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=1)["items"][0]
    assert item["quantityReserved"] > 0
    assert item["quantityAvailable"] == catalog_scenario.bsale_available(sku)


def test_consumption_beyond_available_is_rejected_and_changes_nothing(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = next(s for s in catalog_scenario.reserved_skus if catalog_scenario.bsale_available(s) > 0)
    available = catalog_scenario.bsale_available(sku)
    body = {"note": "test", "officeId": 1, "details": [{"quantity": available + 1, "code": sku}]}
    response = api.post(bsale_sandbox.url("/v1/stocks/consumptions.json"), json=body, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"error": "There is a problem with the available quantity for your products"}
    item = get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=1)["items"][0]
    assert item["quantityAvailable"] == available
    zero = catalog_scenario.zero_stock_skus[0]
    body = {"officeId": 1, "details": [{"quantity": 1, "code": zero}]}
    response = api.post(bsale_sandbox.url("/v1/stocks/consumptions.json"), json=body, timeout=10)
    assert response.json() == {"error": f"There is no stock for this products: {zero}"}


def test_consumption_and_reception_move_stock(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = next(s for s in catalog_scenario.in_sync_skus if catalog_scenario.bsale_available(s) >= 2)
    before = catalog_scenario.bsale_available(sku)
    variant_id = catalog_scenario._variant(sku).id
    response = api.post(
        bsale_sandbox.url("/v1/stocks/consumptions.json"),
        json={"note": "venta", "officeId": 1, "details": [{"quantity": 2, "variantId": variant_id}]},
        timeout=10,
    )
    assert response.status_code == 201
    created = response.json()
    assert created["office"] == {"href": bsale_sandbox.url("/v1/offices/1.json"), "id": "1"}
    assert isinstance(created["consumptionDate"], int) and created["details"]["href"].endswith(
        "/details.json"
    )
    response = api.post(
        bsale_sandbox.url("/v1/stocks/receptions.json"),
        json={
            "document": "Guía",
            "officeId": 1,
            "documentNumber": "123",
            "details": [{"quantity": 5, "code": sku}],
        },
        timeout=10,
    )
    assert response.status_code == 201 and response.json()["document"] == "Guía"
    item = get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=1)["items"][0]
    assert item["quantityAvailable"] == before - 2 + 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"officeId": 1, "details": [{"quantity": 1, "code": "NOPE"}]}, "invalid variant"),
        ({"officeId": 1, "details": [{"quantity": "x", "code": "SKU-1001"}]}, "invalid quantity"),
        ({"officeId": 1, "details": []}, "Invalid JSON object"),
    ],
)
def test_movement_validation(
    api: requests.Session, bsale_sandbox: SandboxHandle, body: dict[str, Any], message: str
) -> None:
    response = api.post(bsale_sandbox.url("/v1/stocks/receptions.json"), json=body, timeout=10)
    assert response.status_code == 400 and response.json() == {"error": message}


def test_negative_stock_allowed_variants_can_go_below_zero(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.negative_allowed_skus[-1]
    before = catalog_scenario.bsale_available(sku)
    body = {"officeId": 1, "details": [{"quantity": before + 3, "code": sku}]}
    assert (
        api.post(bsale_sandbox.url("/v1/stocks/consumptions.json"), json=body, timeout=10).status_code == 201
    )
    item = get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=1)["items"][0]
    assert item["quantityAvailable"] == -3


def test_price_update_recomputes_gross_and_is_visible(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.shared_skus[0]
    detail = get(api, bsale_sandbox, "/v1/price_lists/1/details.json", code=sku)["items"][0]
    assert detail["variantValueWithTaxes"] == catalog_scenario.bsale_gross_price(sku)
    url = bsale_sandbox.url(f"/v1/price_lists/1/details/{detail['id']}.json")
    response = api.put(url, json={"variantValue": 2000, "id": detail["id"]}, timeout=10)
    assert response.status_code == 200
    assert response.json()["variantValue"] == 2000 and response.json()["variantValueWithTaxes"] == 2380
    again = get(
        api, bsale_sandbox, "/v1/price_lists/1/details.json", variantid=f"[{detail['variant']['id']}]"
    )
    assert again["items"][0]["variantValueWithTaxes"] == 2380
    other_list = get(api, bsale_sandbox, "/v1/price_lists/2/details.json", code=sku)["items"][0]
    assert other_list["variantValueWithTaxes"] != 2380
    bad = api.put(url, json={"variantValue": "cheap"}, timeout=10)
    assert bad.status_code == 400 and "error" in bad.json()


def test_price_lists_offices_and_document_types(api: requests.Session, bsale_sandbox: SandboxHandle) -> None:
    lists = get(api, bsale_sandbox, "/v1/price_lists.json")
    assert [pl["id"] for pl in lists["items"]] == ["1", "2"]
    assert get(api, bsale_sandbox, "/v1/price_lists/2.json")["name"] == "Lista Mayorista"
    offices = get(api, bsale_sandbox, "/v1/offices.json")
    assert offices["count"] == 3 and any(o["isVirtual"] == 1 for o in offices["items"])
    assert get(api, bsale_sandbox, "/v1/offices/2.json")["name"] == "Tienda Online"
    boleta = get(api, bsale_sandbox, "/v1/document_types.json", codesii=39)["items"]
    assert len(boleta) == 1 and boleta[0]["codeSii"] == "39"


@pytest.mark.parametrize(
    "path",
    ["/v1/variants/999999.json", "/v1/products/1.json", "/v1/price_lists/9/details.json", "/v1/nothing.json"],
)
def test_unknown_resources_are_404_with_error_body(
    api: requests.Session, bsale_sandbox: SandboxHandle, path: str
) -> None:
    response = api.get(bsale_sandbox.url(path), timeout=10)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_merchant_edits_via_inspection_routes(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.reserved_skus[0]
    snapshot = bsale_sandbox.inspect_post("stock", {"sku": sku, "office_id": 1, "available": 42})
    office1 = next(s for s in snapshot["stocks"] if s["office_id"] == 1)
    assert office1["available"] == 42 and office1["reserved"] > 0
    bsale_sandbox.inspect_post("price", {"sku": sku, "price_list_id": 1, "gross": 11900})
    assert (
        get(api, bsale_sandbox, "/v1/price_lists/1/details.json", code=sku)["items"][0][
            "variantValueWithTaxes"
        ]
        == 11900
    )
    assert (
        get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=1)["items"][0]["quantityAvailable"]
        == 42
    )
    catalog = {row["sku"]: row for row in bsale_sandbox.inspect_get("catalog")}
    assert set(catalog) == set(catalog_scenario.bsale_skus)
    assert next(p for p in catalog[sku]["prices"] if p["price_list_id"] == 1)["gross"] == 11900
    with pytest.raises(requests.HTTPError):
        bsale_sandbox.inspect_post("stock", {"sku": "NOPE", "available": 1})
