"""Fault injection over real HTTP: vendor-shaped 5xx/429, latency, and lost responses."""

from __future__ import annotations

import time

import pytest
import requests

from puente_sandbox import CatalogScenario, SandboxHandle


def bsale_detail(api: requests.Session, sandbox: SandboxHandle, sku: str) -> dict:
    return api.get(sandbox.url("/v1/price_lists/1/details.json"), params={"code": sku}, timeout=10).json()[
        "items"
    ][0]


def test_injected_5xx_uses_each_vendors_error_body(
    bsale_sandbox: SandboxHandle, jumpseller_sandbox: SandboxHandle
) -> None:
    bsale_sandbox.set_faults(rate_5xx=1.0)
    jumpseller_sandbox.set_faults(rate_5xx=1.0)
    b = bsale_sandbox.client().get(bsale_sandbox.url("/v1/variants.json"), timeout=10)
    assert b.status_code == 500 and b.json() == {"error": "The requested resource is not available"}
    j = jumpseller_sandbox.client().get(jumpseller_sandbox.url("/v1/products.json"), timeout=10)
    assert j.status_code == 500 and set(j.json()) == {"message"}
    assert "Jumpseller-PerSecondRateLimit-Remaining" in j.headers
    assert bsale_sandbox.health()["status"] == "ok"  # inspection is never faulted
    assert bsale_sandbox.counters()["faults_injected"]["5xx"] == 1
    assert bsale_sandbox.clear_faults()["rate_5xx"] == 0.0
    assert bsale_sandbox.client().get(bsale_sandbox.url("/v1/variants.json"), timeout=10).status_code == 200


def test_injected_5xx_on_a_write_does_not_execute_it(
    bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    api, sku = bsale_sandbox.client(), catalog_scenario.shared_skus[0]
    detail = bsale_detail(api, bsale_sandbox, sku)
    bsale_sandbox.set_faults(rate_5xx=1.0)
    url = bsale_sandbox.url(f"/v1/price_lists/1/details/{detail['id']}.json")
    assert api.put(url, json={"variantValue": 1}, timeout=10).status_code == 500
    bsale_sandbox.clear_faults()
    assert bsale_detail(api, bsale_sandbox, sku) == detail
    assert bsale_sandbox.writes() == []


def test_injected_429_shapes(bsale_sandbox: SandboxHandle, jumpseller_sandbox: SandboxHandle) -> None:
    bsale_sandbox.set_faults(rate_429=1.0)
    jumpseller_sandbox.set_faults(rate_429=1.0)
    b = bsale_sandbox.client().get(bsale_sandbox.url("/v1/offices.json"), timeout=10)
    assert b.status_code == 429 and b.headers["Retry-After"] == "1"
    j = jumpseller_sandbox.client().get(jumpseller_sandbox.url("/v1/products.json"), timeout=10)
    assert j.status_code == 429 and j.content == b"" and "Retry-After" not in j.headers
    assert jumpseller_sandbox.counters()["faults_injected"]["429"] == 1


def test_latency_applies_to_vendor_paths_only(bsale_sandbox: SandboxHandle) -> None:
    # The injected latency is the yardstick: a health call that took a whole second on loopback
    # would be a real regression (or latency wrongly applied), never a loaded machine's noise.
    bsale_sandbox.set_faults(latency_ms=1000)
    start = time.monotonic()
    bsale_sandbox.client().get(bsale_sandbox.url("/v1/offices.json"), timeout=10)
    assert time.monotonic() - start >= 1.0
    start = time.monotonic()
    bsale_sandbox.health()
    assert time.monotonic() - start < 1.0


def test_lost_response_commits_the_write_then_fails(
    bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    api, sku = bsale_sandbox.client(), catalog_scenario.shared_skus[0]
    detail = bsale_detail(api, bsale_sandbox, sku)
    bsale_sandbox.set_faults(lost_response_rate=1.0)
    assert api.get(bsale_sandbox.url("/v1/offices.json"), timeout=10).status_code == 200  # reads unaffected
    url = bsale_sandbox.url(f"/v1/price_lists/1/details/{detail['id']}.json")
    response = api.put(url, json={"variantValue": 5000}, timeout=10)
    assert response.status_code == 500
    assert response.json() == {"error": "The requested resource is not available"}
    assert bsale_detail(api, bsale_sandbox, sku)["variantValueWithTaxes"] == 5950  # it was committed
    [write] = bsale_sandbox.writes()
    assert (write["status"], write["delivered_status"], write["lost"]) == (200, 500, True)
    assert bsale_sandbox.counters()["faults_injected"]["lost_response"] == 1


def test_lost_response_can_drop_the_connection(
    jumpseller_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    api = jumpseller_sandbox.client()
    product = next(p for p in catalog_scenario.jumpseller.products if not p.variants)
    jumpseller_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode="drop")
    url = jumpseller_sandbox.url(f"/v1/products/{product.id}.json")
    with pytest.raises(requests.exceptions.RequestException):
        api.put(url, json={"product": {"stock": 77}}, timeout=10)
    jumpseller_sandbox.clear_faults()
    assert api.get(url, timeout=10).json()["product"]["stock"] == 77
    [write] = jumpseller_sandbox.writes()
    assert write["lost"] and write["status"] == 200 and write["delivered_status"] == 0


def test_fault_sequence_replays_for_the_same_seed(bsale_sandbox: SandboxHandle) -> None:
    api, url = bsale_sandbox.client(), bsale_sandbox.url("/v1/offices.json")

    def run() -> list[int]:
        bsale_sandbox.set_faults(rate_5xx=0.5, seed=3)
        return [api.get(url, timeout=10).status_code for _ in range(16)]

    first, second = run(), run()
    assert first == second and {200, 500} == set(first)


def test_fault_config_errors_are_reported(bsale_sandbox: SandboxHandle) -> None:
    response = requests.post(bsale_sandbox.url("/_sandbox/faults"), json={"rate_5xx": 2}, timeout=10)
    assert response.status_code == 400
    assert bsale_sandbox.faults()["rate_5xx"] == 0.0
