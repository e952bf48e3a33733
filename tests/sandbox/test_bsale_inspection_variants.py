"""``POST /_sandbox/variants``: the merchant creates a SKU in Bsale, and the vendor API sees it.

Invoicing tests use it to fix an ``unlinked_sku`` order the way a merchant would (in Bsale
itself), so the new SKU must look like any seeded one through every read Puente makes (variants,
stocks, price-list details) and be sellable with ``dispatch: 1`` at once.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from puente_sandbox import CatalogScenario, SandboxHandle


@pytest.fixture
def api(bsale_sandbox: SandboxHandle) -> requests.Session:
    return bsale_sandbox.client()


def get(api: requests.Session, sandbox: SandboxHandle, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(sandbox.url(path), params=params or None, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def create(sandbox: SandboxHandle, **body: Any) -> requests.Response:
    return sandbox.session.post(sandbox.url("/_sandbox/variants"), json=body, timeout=10)


def test_created_variant_is_visible_everywhere_and_sellable(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = catalog_scenario.jumpseller_only_skus[0]
    office = catalog_scenario.sync_office_id
    response = create(bsale_sandbox, sku=sku, name="Web only item", office_id=office, available=5, net=1000)
    assert response.status_code == 201, response.text
    snapshot = response.json()
    assert snapshot["sku"] == sku and snapshot["state"] == 0 and snapshot["classification"] == 0
    assert [(s["office_id"], s["available"]) for s in snapshot["stocks"]] == [(office, 5.0)]
    price_lists = get(api, bsale_sandbox, "/v1/price_lists.json")["items"]
    assert sorted(p["price_list_id"] for p in snapshot["prices"]) == sorted(int(p["id"]) for p in price_lists)
    assert {(p["net"], p["gross"]) for p in snapshot["prices"]} == {(1000.0, 1190)}

    [variant] = get(api, bsale_sandbox, "/v1/variants.json", code=sku, expand="[product]")["items"]
    assert variant["id"] == snapshot["variant_id"] and variant["state"] == 0
    assert get(api, bsale_sandbox, f"/v1/products/{snapshot['product_id']}.json")["name"] == "Web only item"
    [stock] = get(api, bsale_sandbox, "/v1/stocks.json", code=sku, officeid=office)["items"]
    assert stock["quantityAvailable"] == 5
    price_list = catalog_scenario.sync_price_list_id
    [detail] = get(api, bsale_sandbox, f"/v1/price_lists/{price_list}/details.json", code=sku)["items"]
    assert detail["variantValueWithTaxes"] == 1190
    count = get(api, bsale_sandbox, "/v1/variants/count.json")["count"]
    assert count == len(catalog_scenario.bsale_skus) + 1

    document = api.post(bsale_sandbox.url("/v1/documents.json"), timeout=10, json={
        "codeSii": 39, "officeId": office, "dispatch": 1, "salesId": "JS-9",
        "details": [{"code": sku, "quantity": 2, "netUnitValue": 1000, "taxId": "[1]"}],
    })
    assert document.status_code == 201, document.text
    [row] = [r for r in bsale_sandbox.inspect_get("catalog") if r["sku"] == sku]
    assert row["stocks"][0]["available"] == 3


def test_existing_sku_or_bad_body_is_refused_and_changes_nothing(
    bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    before = bsale_sandbox.inspect_get("catalog")
    taken = catalog_scenario.shared_skus[0]
    assert create(bsale_sandbox, sku=taken, available=1, net=10).status_code == 409
    assert create(bsale_sandbox, sku="NEW-1", available=1).status_code == 400  # no price
    assert create(bsale_sandbox, sku="NEW-1", available=1, net=10, office_id=999).status_code == 400
    assert create(bsale_sandbox, available=1, net=10).status_code == 400
    assert bsale_sandbox.inspect_get("catalog") == before
