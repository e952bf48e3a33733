"""Bsale sales documents over real HTTP: totals, folios, salesId, client and stock rules, faults."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from puente_sandbox import CatalogScenario, SandboxHandle

NET_VALUE_ERROR = "Invalid net unit value, zero or negative values are not allowed for this type of document"
NO_QUANTITY = "There is a problem with the available quantity for your products"
PERCENT_ERROR = "Invalid percentage, negative values are not allowed for this type of document"
SERIAL_ERROR = "Use 'comment' to especify the serie of detailid to dispatch."
FACTURA_CLIENT = {
    "code": "76543210-3",
    "company": "Comercial Los Andes SpA",
    "activity": "Comercio al por mayor",
    "address": "Av. Providencia 1234",
    "municipality": "Providencia",
    "city": "Santiago",
    "companyOrPerson": 1,
}


@pytest.fixture
def api(bsale_sandbox: SandboxHandle) -> requests.Session:
    return bsale_sandbox.client()


def stocked_sku(scenario: CatalogScenario, minimum: float = 5) -> str:
    special = set(scenario.unlimited_skus + scenario.negative_allowed_skus + scenario.serial_skus + scenario.pack_skus)
    return next(
        s
        for s in scenario.shared_skus
        if s not in special and s not in scenario.inactive_skus and scenario.bsale_available(s) >= minimum
    )


def available(sandbox: SandboxHandle, sku: str, office_id: int = 1) -> float:
    [row] = [r for r in sandbox.inspect_get("catalog") if r["sku"] == sku]
    return next((s["available"] for s in row["stocks"] if s["office_id"] == office_id), 0.0)


def post(api: requests.Session, sandbox: SandboxHandle, **body: Any) -> requests.Response:
    return api.post(sandbox.url("/v1/documents.json"), json=body, timeout=10)


def line(sku: str, quantity: float = 1, net: float = 1000, **extra: Any) -> dict[str, Any]:
    return {"code": sku, "quantity": quantity, "netUnitValue": net, "taxId": "[1]", **extra}


def error(response: requests.Response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["error"]


def test_document_types_include_factura_and_boleta(api: requests.Session, bsale_sandbox: SandboxHandle) -> None:
    items = api.get(bsale_sandbox.url("/v1/document_types.json"), timeout=10).json()["items"]
    assert {"33", "39"} <= {t["codeSii"] for t in items}


def test_boleta_with_dispatch_rounds_to_the_peso_and_takes_stock(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = stocked_sku(catalog_scenario)
    before = available(bsale_sandbox, sku)
    response = post(
        api, bsale_sandbox, codeSii=39, officeId=1, dispatch=1, declareSii=1, emissionDate=1717200000,
        salesId="JS-1001", details=[line(sku, 3, 8394.96), line(sku, 1, 5000, discount=100)],
    )  # fmt: skip
    assert response.status_code == 201, response.text
    doc = response.json()
    assert (doc["number"], doc["salesId"], doc["emissionDate"], doc["state"]) == (1, "JS-1001", 1717200000, 0)
    amounts = (doc["netAmount"], doc["taxAmount"], doc["totalAmount"], doc["exemptAmount"])
    assert amounts == (25185.0, 4785.0, 29970.0, 0.0)
    assert doc["document_type"] == {"href": bsale_sandbox.url("/v1/document_types/3.json"), "id": "3"}
    assert doc["client"] is None and doc["urlPdf"].endswith(f"{doc['token']}.pdf?sfd=99")
    assert doc["details"] == {"href": bsale_sandbox.url(f"/v1/documents/{doc['id']}/details.json")}
    assert available(bsale_sandbox, sku) == before - 4
    details = api.get(doc["details"]["href"], timeout=10).json()
    assert details["count"] == 2 and details["items"][1]["netAmount"] == 0.0
    assert details["items"][0]["variant"]["code"] == sku


def test_factura_needs_client_attributes_and_numbers_per_type(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = stocked_sku(catalog_scenario)
    partial = {"code": "76543210-3", "activity": "Comercio"}
    assert error(post(api, bsale_sandbox, codeSii=33, client=partial, details=[line(sku)])) == (
        "client attribute required : address,city,municipality"
    )
    assert error(post(api, bsale_sandbox, codeSii=33, details=[line(sku)])) == (
        "client attribute required : code,activity,address,city,municipality"
    )
    assert post(api, bsale_sandbox, codeSii=39, details=[line(sku)]).json()["number"] == 1
    factura = post(api, bsale_sandbox, documentTypeId=2, client=FACTURA_CLIENT, details=[line(sku)]).json()
    assert (factura["number"], factura["address"], factura["client"]["id"]) == (1, "Av. Providencia 1234", "301")
    again = post(api, bsale_sandbox, codeSii="33", clientId=301, details=[line(sku)]).json()
    assert (again["number"], again["client"]["id"]) == (2, "301")
    assert post(api, bsale_sandbox, codeSii=39, details=[line(sku)]).json()["number"] == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"codeSii": 39, "details": [line("SKU-1001", net=0)]}, NET_VALUE_ERROR),
        ({"codeSii": 39, "details": [line("SKU-1001", net=-5)]}, NET_VALUE_ERROR),
        ({"codeSii": 39, "details": [line("NOT-IN-BSALE")]}, "invalid variant"),
        ({"codeSii": 39, "details": [{"quantity": 1, "netUnitValue": 10}]}, "invalid variant"),
        ({"codeSii": 39, "details": [line("SKU-1001", quantity=0)]}, "invalid quantity"),
        ({"codeSii": 39, "details": [line("SKU-1001", discount=-1)]}, PERCENT_ERROR),
        ({"codeSii": 99, "details": [line("SKU-1001")]}, "invalid documentType"),
        ({"codeSii": 61, "details": [line("SKU-1001")]}, "invalid documentType"),
        ({"details": [line("SKU-1001")]}, "invalid documentType"),
        ({"codeSii": 39, "details": []}, "Invalid JSON object"),
        ({"codeSii": 39, "priceListId": 9, "details": [line("SKU-1001")]}, "invalid price list"),
    ],
)  # fmt: skip
def test_rejections(api: requests.Session, bsale_sandbox: SandboxHandle, body: dict[str, Any], message: str) -> None:
    assert error(post(api, bsale_sandbox, **body)) == message
    assert bsale_sandbox.inspect_get("documents") == []


def test_inactive_variant_is_invalid(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    assert error(post(api, bsale_sandbox, codeSii=39, details=[line(catalog_scenario.inactive_skus[0])])) == (
        "invalid variant"
    )


def test_stock_rules_on_dispatch(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    c = catalog_scenario
    empty = next(s for s in c.zero_stock_skus if s in c.shared_skus)
    assert error(post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(empty)])) == (
        f"There is no stock for this products: {empty}"
    )
    sku = stocked_sku(c)
    have = available(bsale_sandbox, sku)
    too_many = post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(sku, have - 1), line(sku, 2)])
    assert error(too_many) == NO_QUANTITY  # summed per variant
    ok_and_short = post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(sku, 1), line(empty)])
    assert error(ok_and_short).startswith("There is no stock") and available(bsale_sandbox, sku) == have
    for free in (c.negative_allowed_skus[0], c.unlimited_skus[0]):
        assert post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(free, 500)]).status_code == 201
    assert post(api, bsale_sandbox, codeSii=39, dispatch=0, details=[line(empty, 3)]).status_code == 201
    assert available(bsale_sandbox, empty) == 0


def test_serial_variant_needs_the_serial_in_comment(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    serial = catalog_scenario.serial_skus[0]
    assert error(post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(serial)])) == SERIAL_ERROR
    with_serial = post(api, bsale_sandbox, codeSii=39, dispatch=1, details=[line(serial, comment="SN-0001")])
    assert with_serial.status_code == 201
    assert post(api, bsale_sandbox, codeSii=39, dispatch=0, details=[line(serial)]).status_code == 201


def test_sales_id_returns_the_existing_document_per_type(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = stocked_sku(catalog_scenario)
    before = available(bsale_sandbox, sku)
    first = post(api, bsale_sandbox, codeSii=39, dispatch=1, salesId="JS-77", details=[line(sku, 2)])
    replay = post(api, bsale_sandbox, codeSii=39, dispatch=1, salesId="JS-77", details=[line(sku, 5, 1)])
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert available(bsale_sandbox, sku) == before - 2
    factura = post(api, bsale_sandbox, codeSii=33, salesId="JS-77", client=FACTURA_CLIENT, details=[line(sku)])
    assert factura.status_code == 201 and factura.json()["id"] != first.json()["id"]
    assert [d["salesId"] for d in bsale_sandbox.inspect_get("documents")] == ["JS-77", "JS-77"]
    # Bsale has no salesid filter: like any unknown parameter it is ignored
    listed = api.get(bsale_sandbox.url("/v1/documents.json"), params={"salesid": "nope"}, timeout=10).json()
    assert listed["count"] == 2


def test_list_filters_get_and_expand(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = stocked_sku(catalog_scenario)
    for day in (1717200000, 1717286400, 1717372800):
        post(api, bsale_sandbox, codeSii=39, emissionDate=day, details=[line(sku)])
    post(api, bsale_sandbox, codeSii=33, client=FACTURA_CLIENT, details=[line(sku)])
    url = bsale_sandbox.url("/v1/documents.json")

    def count(**params: Any) -> int:
        return api.get(url, params=params, timeout=10).json()["count"]

    assert count() == 4 and count(codesii=39) == 3 and count(documenttypeid=2) == 1
    assert count(number=1) == 2 and count(emissiondaterange="[1717286400,1717372800]") == 2
    assert count(clientcode="76543210-3") == 1 and count(officeid=1) == 4 and count(state=1) == 0
    counted = api.get(bsale_sandbox.url("/v1/documents/count.json"), params={"codesii": "[39]"}, timeout=10)
    assert counted.json() == {"count": 3}
    first = api.get(url, params={"expand": "[details,office]", "limit": 1}, timeout=10).json()
    assert first["items"][0]["details"]["count"] == 1 and first["items"][0]["office"]["name"] == "Casa Matriz"
    assert "next" in first
    one = api.get(bsale_sandbox.url("/v1/documents/10004.json"), timeout=10).json()
    assert one["netAmount"] == 1000.0 and one["taxAmount"] == 190.0 and one["totalAmount"] == 1190.0
    missing = api.get(bsale_sandbox.url("/v1/documents/1.json"), timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"error": "document not found"})


def test_lost_response_commits_and_the_sales_id_retry_recovers_it(
    api: requests.Session, bsale_sandbox: SandboxHandle, catalog_scenario: CatalogScenario
) -> None:
    sku = stocked_sku(catalog_scenario)
    body = {"codeSii": 39, "dispatch": 1, "salesId": "JS-9", "details": [line(sku, 1)]}
    bsale_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode="drop")
    with pytest.raises(requests.exceptions.RequestException):
        post(api, bsale_sandbox, **body)
    bsale_sandbox.set_faults(lost_response_rate=1.0)
    assert post(api, bsale_sandbox, **body).status_code == 500  # the replay is lost too
    bsale_sandbox.clear_faults()
    recovered = post(api, bsale_sandbox, **body)
    assert recovered.status_code == 201 and recovered.json()["salesId"] == "JS-9"
    [stored] = bsale_sandbox.inspect_get("documents")
    assert stored["id"] == recovered.json()["id"] and stored["details"][0]["code"] == sku
    writes = bsale_sandbox.writes()
    assert [(w["status"], w["lost"]) for w in writes] == [(201, True), (201, True), (201, False)]
