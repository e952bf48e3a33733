"""Escala sandbox contract over real HTTP: auth, 0-based paging, custom fields, deals, scroll, errors, 429."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.server import ServerThread

KEY_HEADER = {"x-api-key": DEFAULT_ESCALA_API_KEY}


def start(store: EscalaStore, rate_limits: list[Budget] | None = None) -> tuple[ServerThread, SandboxHandle]:
    server = ServerThread(create_app(store, rate_limits=rate_limits))
    handle = SandboxHandle(server.start(), "escala", headers=dict(KEY_HEADER), store=store)
    return server, handle


@pytest.fixture
def store() -> EscalaStore:
    return EscalaStore.generate(seed=11)


@pytest.fixture
def escala(store: EscalaStore) -> Iterator[SandboxHandle]:
    server, handle = start(store)
    yield handle
    handle.close()
    server.stop()


@pytest.fixture
def api(escala: SandboxHandle) -> Iterator[requests.Session]:
    session = escala.client()
    yield session
    session.close()


@pytest.fixture
def account(escala: SandboxHandle) -> dict[str, Any]:
    return escala.inspect_get("account")


def call(api: requests.Session, escala: SandboxHandle, method: str, path: str, status: int = 200, **kw: Any) -> Any:
    response = api.request(method, escala.url(path), timeout=10, **kw)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def deal_body(account: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Factura FV-9001",
        "description": "Desde Siigo",
        "value": 119000,
        "assignedTo": account["users"][1]["id"],
        "pipelineId": account["default_pipeline_id"],
        "stageId": account["first_stage_id"],
        "triggerWorkflow": False,
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, "Unauthorized"),
        ({"x-api-key": "not-the-key"}, 403, "Forbidden"),
        ({"Authorization": f"Bearer {DEFAULT_ESCALA_API_KEY}"}, 401, "Unauthorized"),
    ],
)
def test_api_key_is_required(escala: SandboxHandle, headers: dict[str, str], status: int, message: str) -> None:
    for path in ("/v1/crm/contacts", "/v1/crm/pipelines", "/v1/pms/products"):
        response = requests.get(escala.url(path), headers=headers, timeout=10)
        assert response.status_code == status
        assert response.json() == {"message": message}
    assert escala.health()["vendor"] == "escala"  # inspection needs no key


def test_pages_are_zero_based_with_items_and_total(api, escala, store) -> None:
    first = call(api, escala, "GET", "/v1/crm/contacts", params={"page": 0, "size": 10})
    assert set(first) == {"items", "total"} and first["total"] == len(store.contacts)
    assert [c["id"] for c in first["items"]] == list(store.contacts)[:10]
    seen: list[str] = []
    for page in range(1000):  # bounded: a sandbox that never ends its pages fails, not hangs
        body = call(api, escala, "GET", "/v1/crm/contacts", params={"page": page, "size": 10})
        seen += [c["id"] for c in body["items"]]
        if len(body["items"]) < 10:
            break
    else:
        pytest.fail("contacts paging never ended")
    assert seen == list(store.contacts)
    assert len(call(api, escala, "GET", "/v1/crm/contacts")["items"]) == 20  # default size
    assert len(call(api, escala, "GET", "/v1/crm/contacts", params={"size": 999})["items"]) == len(store.contacts)
    bad = call(api, escala, "GET", "/v1/crm/contacts", 400, params={"page": -1})
    assert bad["errors"] == [{"field": "page", "message": "must be a non-negative integer"}]


def test_contacts_are_found_by_cedula_field_email_and_phone(api, escala, store, account) -> None:
    cedula_key = account["cedula_field"]
    assert cedula_key.startswith("cf_contact_cedula_") and cedula_key.endswith("_text")
    with_cedula = next(c for c in store.contacts.values() if cedula_key in c.custom)
    body = call(api, escala, "GET", "/v1/crm/contacts", params={cedula_key: with_cedula.custom[cedula_key]})
    assert [c["id"] for c in body["items"]] == [with_cedula.id] and body["total"] == 1
    assert isinstance(body["items"][0]["custom"][cedula_key], str)
    email_only = next(c for c in store.contacts.values() if cedula_key not in c.custom and c.personal["email"])
    body = call(api, escala, "GET", "/v1/crm/contacts", params={"email": email_only.personal["email"].upper()})
    assert [c["id"] for c in body["items"]] == [email_only.id]
    phone_only = next(c for c in store.contacts.values() if not c.personal["email"])
    digits = "".join(ch for ch in phone_only.personal["phoneNumber"] if ch.isdigit())[-10:]
    body = call(api, escala, "POST", "/v1/crm/contacts/search", json={"phone": digits})
    assert [c["id"] for c in body["items"]] == [phone_only.id]
    none = call(api, escala, "GET", "/v1/crm/contacts", params={cedula_key: "0000"})
    assert none == {"items": [], "total": 0}
    unknown = call(api, escala, "GET", "/v1/crm/contacts", 400, params={"cf_contact_nope_abcd_text": "1"})
    assert unknown["errors"][0]["message"] == "unknown custom field"


def test_create_get_and_update_contact(api, escala, account) -> None:
    cedula_key = account["cedula_field"]
    created = call(
        api,
        escala,
        "POST",
        "/v1/crm/contacts",
        201,
        json={
            "assignedTo": "unassigned",
            "status": "lead",
            "triggerWorkflow": False,
            "personal": {"firstName": "Juan", "lastName": "Pérez", "email": "juan@empresa-nueva.co"},
            "custom": {cedula_key: "0012345678"},
        },
    )
    assert uuid.UUID(created["id"]).version == 4
    assert created["custom"] == {cedula_key: "0012345678"} and created["personal"]["phoneNumber"] is None
    assert call(api, escala, "GET", f"/v1/crm/contacts/{created['id']}") == created
    updated = call(
        api, escala, "PUT", f"/v1/crm/contacts/{created['id']}", json={"personal": {"phoneNumber": "+57 301 555 0101"}}
    )
    assert updated["personal"]["email"] == "juan@empresa-nueva.co"  # merged, not replaced
    assert updated["personal"]["phoneNumber"] == "+57 301 555 0101" and updated["custom"] == created["custom"]
    assert call(api, escala, "GET", f"/v1/crm/contacts/{uuid.uuid4()}", 404) == {"message": "Not found"}
    assert [w["route"] for w in escala.writes()] == ["POST /v1/crm/contacts", "PUT /v1/crm/contacts/{contact_id}"]


def test_contact_validation_errors(api, escala, store, account) -> None:
    cedula_key = account["cedula_field"]
    existing = next(c for c in store.contacts.values() if cedula_key in c.custom and c.personal["email"])
    bad = call(
        api,
        escala,
        "POST",
        "/v1/crm/contacts",
        400,
        json={"personal": {"email": "not-an-email"}, "custom": {cedula_key: 12345678, "cf_x_y_zzzz_text": "a"}},
    )
    assert bad["message"] == "Validation failed"
    assert {(e["field"], e["message"]) for e in bad["errors"]} == {
        ("personal.firstName", "is required"),
        ("personal.email", "invalid"),
        (f"custom.{cedula_key}", "must be text"),
        ("custom.cf_x_y_zzzz_text", "unknown custom field"),
    }
    duplicate = call(
        api,
        escala,
        "POST",
        "/v1/crm/contacts",
        400,
        json={
            "personal": {"firstName": "Otra", "email": existing.personal["email"]},
            "custom": {cedula_key: existing.custom[cedula_key]},
        },
    )
    assert {e["field"] for e in duplicate["errors"]} == {"personal.email", f"custom.{cedula_key}"}
    assert call(api, escala, "POST", "/v1/crm/contacts", 400, data=b"[1]")["message"] == "Invalid JSON body"
    assert len(store.contacts) == 45  # nothing was created


def test_deal_keeps_invoice_total_when_update_value_is_false(api, escala, store, account) -> None:
    products = list(store.products.values())[:2]
    contact = next(iter(store.contacts.values()))
    items = [{"productId": products[0].id, "quantity": 2}, {"productId": products[1].id, "quantity": 1}]
    deal = call(
        api,
        escala,
        "POST",
        "/v1/crm/deals",
        201,
        json=deal_body(account, contactId=contact.id, products={"items": items, "updateValue": False}),
    )
    assert deal["value"] == 119000
    assert deal["assignedTo"] == account["users"][1]["id"] and deal["description"] == "Desde Siigo"
    assert deal["contact"] == {
        "id": contact.id,
        "firstName": contact.personal["firstName"],
        "lastName": contact.personal["lastName"],
        "email": contact.personal["email"],
        "phone": contact.personal["phoneNumber"],
    }
    assert deal["pipeline"]["stageId"] == account["first_stage_id"] and deal["pipeline"]["stageType"] == "open"
    assert [(p["code"], p["quantity"]) for p in deal["products"]["items"]] == [
        (products[0].code, 2),
        (products[1].code, 1),
    ]
    updated = call(api, escala, "PUT", f"/v1/crm/deals/{deal['id']}", json={"value": 125000.5})
    assert updated["value"] == 125000.5
    assert call(api, escala, "GET", f"/v1/crm/deals/{deal['id']}") == updated
    inspected = next(d for d in escala.inspect_get("deals") if d["id"] == deal["id"])
    assert inspected["products"]["updateValue"] is False
    assert inspected["productsTotal"] == products[0].price * 2 + products[1].price


def test_update_value_defaults_on_and_recomputes_from_products(api, escala, store, account) -> None:
    product = next(iter(store.products.values()))
    deal = call(
        api,
        escala,
        "POST",
        "/v1/crm/deals",
        201,
        json=deal_body(account, products={"items": [{"productId": product.id, "quantity": 3}]}),
    )
    assert deal["value"] == product.price * 3 and deal["products"]["updateValue"] is True
    again = call(api, escala, "PUT", f"/v1/crm/deals/{deal['id']}", json={"value": 1})
    assert again["value"] == product.price * 3  # the option stays in force (inferred)
    no_products = call(api, escala, "POST", "/v1/crm/deals", 201, json=deal_body(account))
    assert no_products["value"] == 119000 and no_products["products"] == {"items": [], "updateValue": True}


def test_deal_business_rules(api, escala, store, account) -> None:
    other_pipeline = next(p for p in account["pipelines"] if p["id"] != account["default_pipeline_id"])
    bad = call(
        api,
        escala,
        "POST",
        "/v1/crm/deals",
        400,
        json=deal_body(
            account,
            name="",
            value=-5,
            assignedTo="ana@empresa.com",
            contactId=str(uuid.uuid4()),
            stageId=other_pipeline["stages"][0]["id"],
            products={"items": [{"productId": str(uuid.uuid4()), "quantity": 0}], "updateValue": False},
            custom={account["cedula_field"]: "1"},
        ),
    )
    assert {e["field"] for e in bad["errors"]} == {
        "name",
        "value",
        "assignedTo",
        "contactId",
        "stageId",
        "products.items[0].productId",
        "products.items[0].quantity",
        f"custom.{account['cedula_field']}",  # a contact field is not a deal field
    }
    missing = call(api, escala, "POST", "/v1/crm/deals", 400, json={"name": "x", "pipelineId": str(uuid.uuid4())})
    assert {(e["field"], e["message"]) for e in missing["errors"]} == {
        ("stageId", "is required"),
        ("pipelineId", "unknown pipeline"),
    }
    assert call(api, escala, "PUT", f"/v1/crm/deals/{uuid.uuid4()}", 404, json={"value": 1}) == {"message": "Not found"}
    unassigned = call(api, escala, "POST", "/v1/crm/deals", 201, json=deal_body(account, assignedTo="unassigned"))
    assert unassigned["assignedTo"] == "unassigned"
    by_invoice = call(api, escala, "GET", "/v1/crm/deals", params={account["invoice_field"]: "FV-2003"})
    assert by_invoice["total"] == 1 and by_invoice["items"][0]["name"] == "Factura FV-2003"


def test_deal_scroll_walks_a_snapshot_to_the_end(api, escala, store) -> None:
    ids: list[str] = []
    params: dict[str, Any] = {"size": 8}
    for _ in range(1000):  # bounded: a scroll that never ends fails, not hangs
        body = call(api, escala, "GET", "/v1/crm/deals/scroll", params=params)
        assert set(body) <= {"items", "scrollId"}
        ids += [d["id"] for d in body["items"]]
        if not body.get("scrollId"):
            break
        params = {"size": 8, "scrollId": body["scrollId"]}
    else:
        pytest.fail("deal scroll never ended")
    assert sorted(ids) == sorted(store.deals) and len(ids) == 24
    assert body["items"] == []  # 24 = 3 full pages: the 4th call is the empty one without an id
    stale = call(api, escala, "GET", "/v1/crm/deals/scroll", 400, params={"scrollId": params["scrollId"]})
    assert stale["errors"][0]["field"] == "scrollId"
    cutoff = sorted(d.modified for d in store.deals.values())[-5]
    recent = call(api, escala, "GET", "/v1/crm/deals/scroll", params={"since": cutoff, "size": 50})
    assert len(recent["items"]) == 5 and "scrollId" not in recent
    contacts = call(api, escala, "GET", "/v1/crm/contacts/scroll", params={"size": 200})
    assert len(contacts["items"]) == len(store.contacts) and "scrollId" not in contacts
    assert (
        call(api, escala, "GET", "/v1/crm/deals/scroll", 400, params={"since": "ayer"})["errors"][0]["field"] == "since"
    )


def test_pipelines_users_and_products_by_code(api, escala, store) -> None:
    pipelines = call(api, escala, "GET", "/v1/crm/pipelines", params={"page": 0, "size": 100})
    assert pipelines["total"] == 2 and [p["default"] for p in pipelines["items"]] == [True, False]
    assert {s["type"] for s in pipelines["items"][0]["stages"]} == {"open", "won", "lost"}
    users = call(api, escala, "GET", "/v1/crm/users")
    assert users["total"] == 4 and set(users["items"][0]) == {"id", "email", "firstName", "lastName", "role"}
    codes = [p.code for p in store.products.values()][:3]
    found = call(
        api, escala, "GET", "/v1/pms/products", params=[("code", f"{codes[0]},{codes[1]}"), ("code", codes[2])]
    )
    assert [p["code"] for p in found["items"]] == codes and found["total"] == 3
    assert call(api, escala, "GET", "/v1/pms/products", params={"code": "NO-EXISTE"}) == {"items": [], "total": 0}
    product_id = found["items"][0]["id"]
    assert api.delete(escala.url(f"/v1/pms/products/{product_id}"), timeout=10).status_code == 204
    assert call(api, escala, "GET", f"/v1/pms/products/{product_id}", 404) == {"message": "Not found"}


def test_unknown_routes_and_methods_use_escala_error_shape(api, escala) -> None:
    assert call(api, escala, "GET", "/v1/crm/companies", 404) == {"message": "Not found"}
    assert call(api, escala, "DELETE", "/v1/crm/contacts", 405) == {"message": "Method not allowed"}


def test_rate_limit_answers_429_with_retry_after(store) -> None:
    server, handle = start(store, rate_limits=[(3, 1.0)])
    try:
        api = handle.client()
        statuses = [api.get(handle.url("/v1/crm/pipelines"), timeout=10) for _ in range(5)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
        throttled = statuses[3]
        assert throttled.json() == {"message": "Too many requests"}
        assert int(throttled.headers["Retry-After"]) >= 1
        counters = handle.counters()
        assert counters["rate_limited"] == 2 and counters["rate_limits"] == [[3, 1.0]]
    finally:
        handle.close()
        server.stop()


def test_lost_response_still_creates_the_contact(api, escala, store) -> None:
    escala.set_faults(lost_response_rate=1.0)
    body = {"personal": {"firstName": "Perdida", "email": "perdida@correo-demo.co"}}
    response = api.post(escala.url("/v1/crm/contacts"), json=body, timeout=10)
    assert response.status_code == 500 and response.json() == {"message": "Internal server error"}
    escala.clear_faults()
    assert [c["personal"]["email"] for c in escala.inspect_get("contacts")].count("perdida@correo-demo.co") == 1
    assert escala.writes()[-1]["lost"] is True and escala.writes()[-1]["status"] == 201
