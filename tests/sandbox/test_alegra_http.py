"""Alegra sandbox contract over real HTTP: Basic auth, start/limit + metadata, filters, errors, DIAN, 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from puente_sandbox.alegra import run_alegra_sandbox
from puente_sandbox.alegra.seed import (
    ELECTRONIC_TEMPLATE_ID,
    GIFT_REFERENCE,
    IVA_19_ID,
    PLAIN_TEMPLATE_ID,
    VARIANT_REFERENCE,
)
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL
from puente_sandbox.handle import SandboxHandle


@pytest.fixture(scope="module")
def alegra() -> Iterator[SandboxHandle]:
    with run_alegra_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def api(alegra: SandboxHandle) -> requests.Session:
    return alegra.client()


def item_id(sandbox: SandboxHandle, reference: str) -> str:
    return next(i["id"] for i in sandbox.store.items if i["reference"] == reference)


def invoice_body(sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    """2 x 50,000 with 10 % off + IVA 19 % = 107,100 (the notes' example)."""
    client = next(c for c in sandbox.store.contacts if c["kindOfPerson"] == "LEGAL_ENTITY" and c["status"] == "active")
    body: dict[str, Any] = {
        "date": "2025-07-10", "dueDate": "2025-08-09", "client": {"id": client["id"]},
        "numberTemplate": {"id": ELECTRONIC_TEMPLATE_ID}, "seller": "1", "priceList": "1", "paymentForm": "CREDIT",
        "observations": "Pedido CRM 123", "currency": {"code": "COP", "exchangeRate": 1},
        "items": [{"id": item_id(sandbox, "REF-0005"), "price": 50000, "quantity": 2, "discount": 10,
                   "tax": [{"id": IVA_19_ID}]}],
    }  # fmt: skip
    body.update(changes)
    return body


def error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"code", "message", "details"} and body["message"]
    return body


# --------------------------------------------------------------------------------------- auth
def test_basic_auth_is_required_on_every_call(alegra: SandboxHandle) -> None:
    for auth in (None, (DEFAULT_ALEGRA_EMAIL, "wrong-token"), ("otro@correo.co", alegra.auth[1])):
        body = error(requests.get(alegra.url("/items"), auth=auth, timeout=10), 401)
        assert body["code"] == 401
    assert requests.get(alegra.url("/users/self"), auth=alegra.auth, timeout=10).json()["email"] == DEFAULT_ALEGRA_EMAIL


# ------------------------------------------------------------------------------------- paging
def test_lists_are_bare_arrays_or_metadata_envelopes(alegra: SandboxHandle, api: requests.Session) -> None:
    bare = api.get(alegra.url("/items"), timeout=10).json()
    assert isinstance(bare, list) and len(bare) == 30  # default limit
    total = len(alegra.store.items)
    seen: list[str] = []
    for start in range(0, total, 30):
        body = api.get(alegra.url("/items"), params={"start": start, "limit": 30, "metadata": "true"}, timeout=10)
        envelope = body.json()
        assert set(envelope) == {"metadata", "data"} and envelope["metadata"] == {"total": total}
        seen += [i["id"] for i in envelope["data"]]
    assert seen == [i["id"] for i in alegra.store.items] and len(set(seen)) == total
    assert error(api.get(alegra.url("/items"), params={"limit": 31}, timeout=10), 400)["message"]
    desc = api.get(alegra.url("/items"), params={"order_field": "name", "order_direction": "DESC", "limit": 5},
                   timeout=10).json()  # fmt: skip
    assert [i["name"] for i in desc] == sorted((i["name"] for i in desc), reverse=True)
    taxes = api.get(alegra.url("/taxes"), timeout=10).json()
    assert set(taxes) == {"total", "results"} and taxes["total"] == str(len(taxes["results"]))


def test_item_filters_and_shape(alegra: SandboxHandle, api: requests.Session) -> None:
    (item,) = api.get(alegra.url("/items"), params={"reference": "REF-0003"}, timeout=10).json()
    assert isinstance(item["id"], str) and item["price"][0]["idPriceList"] == "1"
    assert {w["id"] for w in item["inventory"]["warehouses"]} == {"1", "2"}
    inventory = item["inventory"]
    assert sum(w["availableQuantity"] for w in inventory["warehouses"]) == inventory["availableQuantity"]
    (by_barcode,) = api.get(alegra.url("/items"), params={"barcode": item["barcode"]}, timeout=10).json()
    assert by_barcode["id"] == item["id"]
    variants = api.get(alegra.url("/items"), params={"query": VARIANT_REFERENCE}, timeout=10).json()
    assert len(variants) == 2 and len({v["barcode"] for v in variants}) == 2  # only barcodes tell them apart
    service = api.get(alegra.url("/items"), params={"inventariable": "false"}, timeout=10).json()
    assert service and all("inventory" not in s for s in service)
    assert api.get(alegra.url(f"/items/{item['id']}"), timeout=10).json() == item
    assert error(api.get(alegra.url("/items/999999"), timeout=10), 404)["code"] == 404


def test_catalogs(alegra: SandboxHandle, api: requests.Session) -> None:
    for path in ("/warehouses", "/price-lists", "/sellers", "/cost-centers", "/bank-accounts"):
        rows = api.get(alegra.url(path), timeout=10).json()
        assert rows and all(isinstance(r["id"], str) for r in rows), path
    active = api.get(alegra.url("/warehouses"), params={"status": "active"}, timeout=10).json()
    assert [w["name"] for w in active] == ["Principal", "Bodega Medellín"]
    templates = api.get(alegra.url("/number-templates"), params={"documentType": "invoice"}, timeout=10).json()
    assert {t["id"] for t in templates} == {PLAIN_TEMPLATE_ID, ELECTRONIC_TEMPLATE_ID}


# ----------------------------------------------------------------------------------- contacts
def test_contacts_search_and_create(alegra: SandboxHandle, api: requests.Session) -> None:
    known = alegra.store.contacts[3]
    (found,) = api.get(alegra.url("/contacts"), params={"identification": known["identification"]}, timeout=10).json()
    assert found["id"] == known["id"]
    assert api.get(alegra.url("/contacts"), params={"identification": "1"}, timeout=10).json() == []
    payload = {"name": "Comercializadora Andina SAS", "identification": {"type": "NIT", "number": "800197268"},
               "kindOfPerson": "LEGAL_ENTITY", "regime": "COMMON_REGIME", "email": "compras@andina.co",
               "address": {"address": "Calle 10 # 43-12", "city": "Medellín"}, "type": ["client"]}  # fmt: skip
    created = api.post(alegra.url("/contacts"), json=payload, timeout=10)
    assert created.status_code == 201, created.text
    contact = created.json()
    assert contact["identification"] == "800197268"  # written as an object, read as a string
    # DIAN's own NIT is 800197268-4: Alegra computes the check digit.
    assert contact["identificationObject"] == {"type": "NIT", "number": "800197268", "dv": "4"}
    assert error(api.post(alegra.url("/contacts"), json=payload, timeout=10), 400)["code"] == 2002
    person = {"name": {"firstName": "Marcos", "lastName": "Castillo"}, "kindOfPerson": "PERSON_ENTITY",
              "identificationObject": {"type": "CC", "number": "1098765432"}}  # fmt: skip
    for change in ({"regime": "SPECIAL_REGIME"}, {"regime": "VAT"}, {"kindOfPerson": "ROBOT"},
                   {"identificationObject": {"type": "DNI", "number": "1"}}):  # fmt: skip
        assert error(api.post(alegra.url("/contacts"), json={**person, **change}, timeout=10), 400)["code"] == 2001
    made = api.post(alegra.url("/contacts"), json=person, timeout=10).json()
    assert made["name"] == "Marcos Castillo" and made["regime"] == "SIMPLIFIED_REGIME"


# ----------------------------------------------------------------------------------- invoices
def test_invoice_status_draft_open_and_stamp(alegra: SandboxHandle, api: requests.Session) -> None:
    draft = api.post(alegra.url("/invoices"), json=invoice_body(alegra), timeout=10)
    assert draft.status_code == 201, draft.text
    draft = draft.json()
    assert draft["status"] == "draft" and draft["total"] == 107100 and draft["numberTemplate"]["number"] is None
    forced = api.post(alegra.url("/invoices"), json=invoice_body(alegra, status="open"), timeout=10).json()
    assert forced["status"] == "open" and forced["stamp"] is None and forced["numberTemplate"]["number"]
    paid = invoice_body(alegra, payments=[{"date": "2025-07-10", "account": {"id": "1"}, "amount": 100000,
                                           "paymentMethod": "cash"}])  # fmt: skip
    opened = api.post(alegra.url("/invoices"), json=paid, timeout=10).json()
    assert (opened["status"], opened["balance"]) == ("open", 7100)
    stamped = api.post(alegra.url("/invoices"), json=invoice_body(alegra, stamp={"generateStamp": True}), timeout=10)
    stamp = stamped.json()["stamp"]
    assert stamped.json()["status"] == "open" and stamp["legalStatus"] == "ACCEPTED" and len(stamp["cufe"]) == 96
    later = api.post(alegra.url(f"/invoices/{draft['id']}/open"), json={"stamp": {"generateStamp": True}}, timeout=10)
    assert later.json()["status"] == "open" and later.json()["stamp"]["legalStatus"] == "ACCEPTED"
    assert error(api.post(alegra.url(f"/invoices/{draft['id']}/open"), json={}, timeout=10), 400)["code"] == 3090
    assert (
        api.get(alegra.url(f"/invoices/{draft['id']}"), timeout=10).json()["stamp"]["cufe"]
        == later.json()["stamp"]["cufe"]
    )


def test_dian_refuses_a_zero_price_line_when_emitting(alegra: SandboxHandle, api: requests.Session) -> None:
    gift = {"id": item_id(alegra, GIFT_REFERENCE), "price": 0, "quantity": 1, "tax": [{"id": IVA_19_ID}]}
    body = invoice_body(alegra, stamp={"generateStamp": True})
    body["items"].append(gift)
    before = len(alegra.store.invoices)
    refused = error(api.post(alegra.url("/invoices"), json=body, timeout=10), 400)
    assert refused["code"] == 3082 and "DIAN" in refused["message"] and refused["details"] == {"item": gift["id"]}
    assert len(alegra.store.invoices) == before  # nothing created
    body.pop("stamp")
    assert api.post(alegra.url("/invoices"), json=body, timeout=10).status_code == 201  # without DIAN it is fine


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"client": None}, 1001),
        ({"items": []}, 1001),
        ({"date": "10/07/2025"}, 1001),
        ({"client": {"id": "99999"}}, 2003),
        ({"items": [{"id": 999, "price": 1, "quantity": 1}]}, 3061),
        ({"stamp": {"generateStamp": True}, "numberTemplate": {"id": PLAIN_TEMPLATE_ID}}, 3080),
        ({"stamp": {"generateStamp": True}, "numberTemplate": None}, 3080),
        ({"payments": [{"date": "2025-07-10", "account": {"id": "1"}, "amount": 1, "paymentMethod": "bitcoin"}]}, 3070),
        ({"paymentForm": "LATER"}, 1001),
    ],
)
def test_invoice_refusals(alegra: SandboxHandle, api: requests.Session, change: dict[str, Any], code: int) -> None:
    body = {k: v for k, v in {**invoice_body(alegra), **change}.items() if v is not None}
    assert error(api.post(alegra.url("/invoices"), json=body, timeout=10), 400)["code"] == code


def test_invoice_list_date_filters(alegra: SandboxHandle, api: requests.Session) -> None:
    def ids(**params: Any) -> list[str]:
        return [i["id"] for i in api.get(alegra.url("/invoices"), params=params, timeout=10).json()]

    invoices = list(alegra.store.invoices.values())
    inclusive = ids(date_afterOrNow="2025-06-03", date_beforeOrNow="2025-06-05")
    assert inclusive == [i["id"] for i in invoices if "2025-06-03" <= i["date"] <= "2025-06-05"] and inclusive
    assert ids(date_after="2025-06-03", date_before="2025-06-05") == [
        i["id"] for i in invoices if "2025-06-03" < i["date"] < "2025-06-05"
    ]
    assert ids(date="2025-06-02") == [i["id"] for i in invoices if i["date"] == "2025-06-02"]
    some = invoices[0]["client"]["identification"]
    assert ids(client_identification=some) == [i["id"] for i in invoices if i["client"]["identification"] == some]
    assert ids(status="draft", limit=30) == [i["id"] for i in invoices if i["status"] == "draft"][:30]
    assert error(api.get(alegra.url("/invoices"), params={"date_afterOrNow": "ayer"}, timeout=10), 400)
    assert [i["_origin"] for i in alegra.inspect_get("invoices")][:2] == ["seed", "seed"]
    assert alegra.inspect_get("contacts")[0]["id"] == alegra.store.contacts[0]["id"]


def test_unknown_routes_answer_alegras_body(alegra: SandboxHandle, api: requests.Session) -> None:
    # Bulk stamp is not emulated: the path reads as an invoice id, so it is a 405 in Alegra's shape.
    assert error(api.post(alegra.url("/invoices/stamp"), json={"ids": [1]}, timeout=10), 405)["code"] == 405
    assert error(api.get(alegra.url("/credit-notes"), timeout=10), 404)["code"] == 404


# ----------------------------------------------------------------------------------- 429
def test_rate_limit_headers_and_429() -> None:
    with run_alegra_sandbox(rate_limits=((3, 2.0),)) as sandbox:
        session = sandbox.client()
        answers = [session.get(sandbox.url("/sellers"), timeout=10) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-Rate-Limit-Limit"] for a in answers] == ["3"] * 4
        assert [a.headers["X-Rate-Limit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert all(0 <= int(a.headers["X-Rate-Limit-Reset"]) <= 2 for a in answers)
        assert int(answers[3].headers["X-Rate-Limit-Reset"]) >= 1
        assert answers[3].json() == {"code": 429, "message": "Too Many request"}
        assert "Retry-After" not in answers[3].headers
        assert sandbox.counters()["rate_limited"] == 1
