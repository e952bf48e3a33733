"""Siigo sandbox contract over real HTTP: auth, paging envelope, filters, errors, invoices, 429."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import run_siigo_sandbox
from puente_sandbox.siigo.seed import GIFT_CODE, INACTIVE_CODE

CREDENTIALS = {"username": DEFAULT_SIIGO_USER, "access_key": DEFAULT_SIIGO_ACCESS_KEY}


@pytest.fixture
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox() as handle:
        yield handle


def login(sandbox: SandboxHandle) -> requests.Session:
    session = sandbox.client()
    answer = session.post(sandbox.url("/auth"), json=CREDENTIALS, timeout=10)
    assert answer.status_code == 201, answer.text
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


@pytest.fixture
def api(siigo: SandboxHandle) -> requests.Session:
    return login(siigo)


def error_code(response: requests.Response) -> str:
    body = response.json()
    assert set(body) == {"Status", "Errors"} and body["Status"] == response.status_code
    (error,) = body["Errors"]
    assert set(error) == {"Code", "Message", "Params", "Detail"}
    assert error["Detail"].endswith(error["Code"])
    return error["Code"]


def invoice_body(sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    """A valid electronic invoice for today: 2 x 1069.77 + IVA 19% = 2546.05 (the Blueprint's example)."""
    customer = next(c for c in sandbox.store.customers if c["active"] and c["contacts"])
    body: dict[str, Any] = {
        "document": {"id": 24446},
        "date": sandbox.store.today().isoformat(),
        "customer": {"identification": customer["identification"], "branch_office": 0},
        "seller": 629,
        "stamp": {"send": True},
        "mail": {"send": False},
        "observations": "Pedido CRM 123",
        "items": [{"code": "SKU-0001", "quantity": 2, "price": 1069.77, "taxes": [{"id": 13156}]}],
        "payments": [{"id": 5637, "value": 2546.05}],
    }
    body.update(changes)
    return body


# --------------------------------------------------------------------------------------- auth
def test_auth_answers_a_24h_bearer_token(siigo: SandboxHandle) -> None:
    answer = siigo.client().post(siigo.url("/auth"), json=CREDENTIALS, timeout=10)
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert (body["expires_in"], body["token_type"], body["scope"]) == (86400, "Bearer", "SiigoAPI")
    assert body["access_token"].count(".") == 2  # JWT-shaped
    for header in (body["access_token"], f"Bearer {body['access_token']}"):  # bare (Blueprint) or Bearer
        users = requests.get(
            siigo.url("/v1/users"),
            headers={"Partner-Id": DEFAULT_SIIGO_PARTNER_ID, "Authorization": header},
            timeout=10,
        )
        assert users.status_code == 200 and isinstance(users.json(), list)


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({}, CREDENTIALS, 400, "header_required"),
        ({"Partner-Id": "has spaces!"}, CREDENTIALS, 400, "invalid_partner_id"),
        ({"Partner-Id": DEFAULT_SIIGO_PARTNER_ID}, {**CREDENTIALS, "access_key": "wrong"}, 401, "unauthorized"),
        ({"Partner-Id": DEFAULT_SIIGO_PARTNER_ID}, {"access_key": "x"}, 400, "parameter_required"),
    ],
)
def test_auth_refusals(siigo: SandboxHandle, headers: dict, body: dict, status: int, code: str) -> None:
    answer = requests.post(siigo.url("/auth"), json=body, headers=headers, timeout=10)
    assert answer.status_code == status and error_code(answer) == code


def test_token_and_partner_id_required_and_forced_expiry(siigo: SandboxHandle, api: requests.Session) -> None:
    no_token = siigo.client().get(siigo.url("/v1/taxes"), timeout=10)
    assert no_token.status_code == 401 and error_code(no_token) == "unauthorized"
    no_partner = requests.get(siigo.url("/v1/taxes"), headers={"Authorization": api.headers["Authorization"]})
    assert no_partner.status_code == 400 and error_code(no_partner) == "header_required"
    assert api.get(siigo.url("/v1/taxes"), timeout=10).status_code == 200
    assert siigo.inspect_post("tokens/expire") == {"expired": 1}
    expired = api.get(siigo.url("/v1/taxes"), timeout=10)
    assert expired.status_code == 401 and error_code(expired) == "unauthorized"
    assert login(siigo).get(siigo.url("/v1/taxes"), timeout=10).status_code == 200


# ------------------------------------------------------------------------------------ paging
def test_invoice_pages_follow_links_to_the_end(siigo: SandboxHandle, api: requests.Session) -> None:
    url: str | None = siigo.url("/v1/invoices?page_size=25")
    seen: list[str] = []
    pages = 0
    while url and pages < 100:  # bounded: ``next`` links that never end fail, not hang
        page = api.get(url, timeout=10).json()
        assert set(page) == {"pagination", "results", "_links"}
        assert set(page["pagination"]) == {"page", "page_size", "total_results"}
        assert page["pagination"]["total_results"] == len(siigo.store.invoices)
        assert ("previous" in page["_links"]) == (page["pagination"]["page"] > 1)
        assert page["_links"]["self"]["href"].startswith(siigo.base_url + "/v1/invoices?")
        seen += [invoice["id"] for invoice in page["results"]]
        url = page["_links"].get("next", {}).get("href")
        pages += 1
    assert seen == list(siigo.store.invoices) and pages == 3  # 60 invoices, oldest first
    clamped = api.get(siigo.url("/v1/invoices"), params={"page_size": 500}, timeout=10).json()
    assert clamped["pagination"]["page_size"] == 100 and "next" not in clamped["_links"]
    default = api.get(siigo.url("/v1/products"), timeout=10).json()
    assert default["pagination"]["page_size"] == 25


def test_invoice_filters(siigo: SandboxHandle, api: requests.Session) -> None:
    def listed(**params: Any) -> list[dict[str, Any]]:
        return api.get(siigo.url("/v1/invoices"), params={"page_size": 100, **params}, timeout=10).json()["results"]

    invoices = list(siigo.store.invoices.values())
    by_date = listed(date_start="2024-05-10", date_end="2024-05-12")
    assert by_date and [i["id"] for i in by_date] == [
        i["id"] for i in invoices if "2024-05-10" <= i["date"] <= "2024-05-12"
    ]
    created = listed(created_start="2024-05-10T00:00:00Z", created_end="2024-05-11")
    expected = [i["id"] for i in invoices if "2024-05-10" <= i["metadata"]["created"][:10] <= "2024-05-11"]
    assert [i["id"] for i in created] == expected and expected
    first = invoices[0]
    assert [i["id"] for i in listed(name=first["name"])] == [first["id"]]
    mine = listed(customer_identification=first["customer"]["identification"])
    assert first["id"] in {i["id"] for i in mine}
    assert all(i["document"]["id"] == 24447 for i in listed(document_id=24447))
    bad = api.get(siigo.url("/v1/invoices"), params={"date_start": "10/05/2024"}, timeout=10)
    assert bad.status_code == 400 and error_code(bad) == "invalid_date"


def test_products_customers_and_catalogs(siigo: SandboxHandle, api: requests.Session) -> None:
    products = api.get(siigo.url("/v1/products"), params={"code": "SKU-0003"}, timeout=10).json()["results"]
    assert [p["code"] for p in products] == ["SKU-0003"]
    one = api.get(siigo.url(f"/v1/products/{products[0]['id']}"), timeout=10).json()
    assert one == products[0]
    branches = [c for c in siigo.store.customers if c["branch_office"] == 1]
    nit = branches[0]["identification"]
    both = api.get(siigo.url("/v1/customers"), params={"identification": nit}, timeout=10).json()["results"]
    assert sorted(c["branch_office"] for c in both) == [0, 1]
    main = api.get(siigo.url("/v1/customers"), params={"identification": nit, "branch_office": 0}).json()
    assert [c["branch_office"] for c in main["results"]] == [0]
    fv = api.get(siigo.url("/v1/document-types"), params={"type": "FV"}, timeout=10).json()
    assert {d["type"] for d in fv} == {"FV"} and any(d["electronic_type"] == "Electronicvoice" for d in fv)
    payments = api.get(siigo.url("/v1/payment-types"), params={"document_type": "FV"}, timeout=10).json()
    assert {p["type"] for p in payments} <= {"Cartera", "CarteraProveedor"}
    missing = api.get(siigo.url("/v1/payment-types"), timeout=10)
    assert missing.status_code == 400 and error_code(missing) == "parameter_required"
    for path in ("/v1/users", "/v1/taxes", "/v1/cost-centers", "/v1/warehouses", "/v1/price-lists"):
        assert isinstance(api.get(siigo.url(path), timeout=10).json(), list)
    for path in ("/v1/invoices/nope", "/v1/customers/nope", "/v1/quotations"):
        gone = api.get(siigo.url(path), timeout=10)
        assert gone.status_code == 404 and error_code(gone) == "not_found"


def test_create_customer(siigo: SandboxHandle, api: requests.Session) -> None:
    body = {
        "person_type": "Company",
        "id_type": "31",
        "identification": "900123456",
        "name": ["Acme Colombia SAS"],
        "address": {
            "address": "Cra. 18 #79A - 42",
            "city": {"country_code": "Co", "state_code": "11", "city_code": "11001"},
        },
        "phones": [{"number": "3006003344"}],
        "contacts": [{"first_name": "Ana", "last_name": "Ruiz", "email": "ana@acme.co"}],
    }
    created = api.post(siigo.url("/v1/customers"), json=body, timeout=10)
    assert created.status_code == 201, created.text
    customer = created.json()
    assert customer["id_type"] == {"code": "31", "name": "NIT"} and customer["check_digit"] == "8"
    assert customer["address"]["city"]["city_name"] == "Bogotá" and customer["branch_office"] == 0
    again = api.post(siigo.url("/v1/customers"), json=body, timeout=10)
    assert again.status_code == 400 and error_code(again) == "already_exists"
    person = {**body, "person_type": "Person", "id_type": "13", "identification": "1020304050"}
    one_name = api.post(siigo.url("/v1/customers"), json=person, timeout=10)
    assert one_name.status_code == 400 and error_code(one_name) == "invalid_array"
    bad_id = api.post(siigo.url("/v1/customers"), json={**person, "identification": "12AB", "name": ["A", "B"]})
    assert bad_id.status_code == 400 and error_code(bad_id) == "invalid_identification"


# ---------------------------------------------------------------------------------- invoices
def test_create_invoice_reproduces_the_blueprint_example(siigo: SandboxHandle, api: requests.Session) -> None:
    before = siigo.store.document_types[24446]["consecutive"]
    answer = api.post(siigo.url("/v1/invoices"), json=invoice_body(siigo), timeout=10)
    assert answer.status_code == 201, answer.text
    invoice = answer.json()
    assert invoice["total"] == 2546.05 and invoice["balance"] == 0
    assert invoice["items"][0]["taxes"][0]["value"] == 406.51 and invoice["items"][0]["total"] == 2546.05
    assert invoice["number"] == before and invoice["name"] == f"FV-1-{before}"
    assert invoice["stamp"]["status"] == "Accepted" and len(invoice["stamp"]["cufe"]) == 96
    assert invoice["mail"]["status"] == "not_sent" and invoice["payments"][0]["name"] == "Efectivo"
    assert api.get(siigo.url(f"/v1/invoices/{invoice['id']}"), timeout=10).json() == invoice


def test_idempotency_key_returns_the_same_invoice(siigo: SandboxHandle, api: requests.Session) -> None:
    url, count = siigo.url("/v1/invoices"), len(siigo.store.invoices)
    wrong = api.post(
        url, json=invoice_body(siigo, payments=[{"id": 5637, "value": 1}]), headers={"Idempotency-Key": "order42"}
    )
    assert wrong.status_code == 400 and error_code(wrong) == "invalid_total_payments"  # a refusal burns no key
    first = api.post(url, json=invoice_body(siigo), headers={"Idempotency-Key": "order42"}, timeout=10)
    second = api.post(url, json=invoice_body(siigo, observations="changed"), headers={"Idempotency-Key": "order42"})
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert len(siigo.store.invoices) == count + 1
    for key in ("order-42", "x" * 31):
        refused = api.post(url, json=invoice_body(siigo), headers={"Idempotency-Key": key}, timeout=10)
        assert refused.status_code == 400 and error_code(refused) == "invalid_idempotency-key"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"document": {"id": 999}}, "invalid_reference"),
        ({"document": {"id": 77775}}, "invalid_document"),
        ({"document": {"id": 24448}}, "parameter_inactive"),
        ({"date": "2024-01-15"}, "invalid_date"),  # electronic invoices cannot be back-dated
        ({"customer": {"identification": "000111"}}, "invalid_reference"),
        ({"seller": 632}, "parameter_inactive"),
        ({"seller": None}, "parameter_required"),
        ({"items": [{"code": "NOPE", "quantity": 1, "price": 1}]}, "invalid_reference"),
        ({"items": [{"code": INACTIVE_CODE, "quantity": 1, "price": 1}]}, "parameter_inactive"),
        ({"items": [{"code": "SKU-0001", "quantity": 1.234, "price": 1}]}, "invalid_value"),
        ({"payments": [{"id": 5637, "value": 2546.06}]}, "invalid_total_payments"),
        ({"payments": [{"id": 5636, "value": 2546.05}]}, "parameter_required"),  # credit needs due_date
        ({"payments": [{"id": 5640, "value": 2546.05}]}, "invalid_payment"),  # a supplier payment type
        ({"cost_center": 237}, "invalid_cost_center"),
        ({"currency": {"code": "COP", "exchange_rate": 1}}, "invalid_currency"),
    ],
)
def test_invoice_business_rules(siigo: SandboxHandle, api: requests.Session, changes: dict, code: str) -> None:
    answer = api.post(siigo.url("/v1/invoices"), json=invoice_body(siigo, **changes), timeout=10)
    assert answer.status_code == 400 and error_code(answer) == code


def test_invoice_customer_rules_and_manual_backdating(siigo: SandboxHandle, api: requests.Session) -> None:
    no_contacts = next(c for c in siigo.store.customers if not c["contacts"])
    answer = api.post(
        siigo.url("/v1/invoices"), json=invoice_body(siigo, customer={"identification": no_contacts["identification"]})
    )
    assert answer.status_code == 400 and error_code(answer) == "customer_settings"
    old_day = (siigo.store.today() - timedelta(days=20)).isoformat()
    manual = invoice_body(siigo, document={"id": 24447}, date=old_day, stamp={"send": False})
    created = api.post(siigo.url("/v1/invoices"), json=manual, timeout=10)
    assert created.status_code == 201 and "stamp" not in created.json()  # not electronic: no DIAN stamp
    sent = api.post(siigo.url("/v1/invoices"), json={**manual, "stamp": {"send": True}}, timeout=10)
    assert sent.status_code == 400 and error_code(sent) == "document_settings"


def test_dian_zero_price_line_needs_tax_base_and_taxpayer(siigo: SandboxHandle, api: requests.Session) -> None:
    gift = {"code": GIFT_CODE, "quantity": 1, "price": 0, "taxes": [{"id": 13156}]}
    body = invoice_body(siigo)
    body["items"] = [*body["items"], gift]
    refused = api.post(siigo.url("/v1/invoices"), json=body, timeout=10)
    assert refused.status_code == 400 and error_code(refused) == "parameter_required"
    assert refused.json()["Errors"][0]["Params"] == ["items[1].tax_base"]
    body["items"][1] = {**gift, "tax_base": 10000, "taxpayer": "Company"}
    accepted = api.post(siigo.url("/v1/invoices"), json=body, timeout=10)
    assert accepted.status_code == 201, accepted.text
    line = accepted.json()["items"][1]
    assert line["total"] == 0 and line["taxes"][0]["value"] == 1900 and accepted.json()["total"] == 2546.05


def test_inspection_adds_and_edits_invoices(siigo: SandboxHandle, api: requests.Session) -> None:
    body = invoice_body(siigo, date="2024-05-02", created="2024-05-02T15:00:00Z")
    added = requests.post(siigo.url("/_sandbox/invoices"), json=body, timeout=10)
    assert added.status_code == 201 and added.json()["_origin"] == "sandbox"
    invoice_id = added.json()["id"]
    edit = {
        "observations": "editado en Siigo Nube",
        "items": [{"code": "SKU-0001", "quantity": 3, "price": 1000, "taxes": [{"id": 13156}]}],
    }
    edited = requests.post(siigo.url(f"/_sandbox/invoices/{invoice_id}"), json=edit, timeout=10).json()
    assert edited["total"] == 3570 and edited["payments"][0]["value"] == 3570
    assert edited["metadata"]["last_updated"] and edited["name"] == added.json()["name"]
    today = siigo.store.today().isoformat()
    changed = api.get(siigo.url("/v1/invoices"), params={"updated_start": today}, timeout=10).json()["results"]
    assert [i["id"] for i in changed] == [invoice_id]
    assert [i["_origin"] for i in siigo.inspect_get("invoices", origin="sandbox")] == ["sandbox"]
    assert len(siigo.inspect_get("customers")) == len(siigo.store.customers)


# -------------------------------------------------------------------------------- rate limit
def test_100_requests_per_minute_then_429_with_retry_after(siigo: SandboxHandle) -> None:
    api = login(siigo)  # the /auth call counts too
    for _ in range(99):
        assert api.get(siigo.url("/v1/taxes"), timeout=10).status_code == 200
    limited = api.get(siigo.url("/v1/taxes"), timeout=10)
    assert limited.status_code == 429 and error_code(limited) == "requests_limit"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert siigo.counters()["rate_limited"] == 1
