"""Siigo sandbox webhooks over real HTTP: the Blueprint's subscription API (``/v1/webhooks``) and the
product events it delivers to the subscribed URLs when a product is created, edited or its stock
changes, retried when the receiver does not answer 2xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from puente_sandbox.common.callback_recorder import run_callback_recorder
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import run_siigo_sandbox
from puente_sandbox.siigo.webhooks import COMPANY_KEY, CREATE, STOCK, UPDATE

SUBSCRIPTION_FIELDS = {"id", "application_id", "url", "topic", "company_key", "active", "created_at"}  # WebhooksOut
EVENT_FIELDS = {"company_key", "username", "topic", "id", "code", "name", "account_group", "type", "stock_control",
                "active", "tax_classification", "tax_included", "tax_consumption_value", "taxes", "prices", "unit",
                "unit_label", "reference", "description", "barcode", "brand", "tariff", "model",
                "available_quantity", "warehouses", "created", "last_updated", "stock_updated"}  # the Blueprint's table


@pytest.fixture
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox(rate_limits=None) as handle:
        handle.inspect_post("webhooks/delivery", {"retry_delays_s": [0.05, 0.1]})
        yield handle


@pytest.fixture
def api(siigo: SandboxHandle) -> requests.Session:
    session = requests.Session()
    session.headers["Partner-Id"] = DEFAULT_SIIGO_PARTNER_ID
    token = session.post(siigo.url("/auth"), json={"username": DEFAULT_SIIGO_USER,
                                                   "access_key": DEFAULT_SIIGO_ACCESS_KEY}, timeout=10)
    session.headers["Authorization"] = token.json()["access_token"]
    return session


def subscribe(api, siigo, topic: str, url: str) -> requests.Response:
    return api.post(siigo.url("/v1/webhooks"), json={"application_id": "Puente", "topic": topic, "url": url},
                    timeout=10)


def test_subscriptions_follow_the_blueprint(siigo, api):
    created = subscribe(api, siigo, STOCK, "https://puente.example/hook")
    assert created.status_code == 201 and set(created.json()) == SUBSCRIPTION_FIELDS
    assert created.json()["company_key"] == COMPANY_KEY and created.json()["active"] is True
    listed = api.get(siigo.url("/v1/webhooks"), timeout=10).json()
    assert listed["pagination"]["total_results"] == 1 and listed["results"] == [created.json()]
    edited = api.put(siigo.url("/v1/webhooks"), timeout=10, json={
        "id": created.json()["id"], "application_id": "Puente", "topic": STOCK, "url": "https://b.example/h",
        "active": False})
    assert edited.status_code == 201 and edited.json()["url"] == "https://b.example/h" and not edited.json()["active"]
    deleted = api.delete(siigo.url(f"/v1/webhooks/{created.json()['id']}"), timeout=10)
    assert deleted.json() == {"id": created.json()["id"], "deleted": True}
    assert api.get(siigo.url("/v1/webhooks"), timeout=10).json()["results"] == []


@pytest.mark.parametrize(("body", "code"), [
    ({"application_id": "Puente", "url": "https://x.example"}, "parameter_required"),
    ({"application_id": "Puente", "topic": "public.siigoapi.invoices.create", "url": "https://x.example"},
     "invalid_type"),
    ({"application_id": "Puente", "topic": STOCK, "url": "ftp://x.example"}, "invalid_type"),
])
def test_bad_subscriptions_are_siigo_errors(siigo, api, body, code):
    answer = api.post(siigo.url("/v1/webhooks"), json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["Errors"][0]["Code"] == code


def test_subscriptions_need_a_token_and_an_existing_id(siigo, api):
    anonymous = requests.get(siigo.url("/v1/webhooks"), headers={"Partner-Id": DEFAULT_SIIGO_PARTNER_ID}, timeout=10)
    assert anonymous.status_code == 401
    unknown = api.delete(siigo.url("/v1/webhooks/nope"), timeout=10)
    assert unknown.status_code == 404 and unknown.json()["Errors"][0]["Code"] == "not_found"


def test_product_changes_are_delivered_to_their_topics_subscribers(siigo, api):
    with run_callback_recorder() as hook:
        for topic in (CREATE, UPDATE, STOCK):
            assert subscribe(api, siigo, topic, f"{hook.url}?token=t").status_code == 201
        siigo.inspect_post("products/SKU-0001/stock", {"quantity": 7})
        siigo.inspect_post("products/SKU-0002", {"price": 15000})
        siigo.inspect_post("products", {"like": "SKU-0001", "code": "SKU-NEW-1"})
        bodies = hook.wait_for(3)
        assert all(entry["query"] == {"token": "t"} for entry in hook.received)
    by_topic = {body["topic"]: body for body in bodies}
    assert set(by_topic) == {CREATE, UPDATE, STOCK}
    assert all(set(body) == EVENT_FIELDS for body in bodies)
    stock = by_topic[STOCK]
    assert stock["code"] == "SKU-0001" and stock["username"] == DEFAULT_SIIGO_USER
    assert stock["available_quantity"] == sum(w["quantity"] for w in stock["warehouses"])
    assert stock["stock_updated"] and stock["stock_updated"] == stock["last_updated"]
    assert by_topic[UPDATE]["prices"][0]["price_list"][0]["value"] == 15000
    assert by_topic[CREATE]["code"] == "SKU-NEW-1" and by_topic[CREATE]["id"] != stock["id"]
    assert api.get(siigo.url("/v1/products"), params={"code": "SKU-NEW-1"}, timeout=10).json()["results"]


def test_a_failing_receiver_is_retried_then_given_up(siigo, api):
    with run_callback_recorder([(500, 0.0), (200, 0.0)]) as ok_later, run_callback_recorder([(503, 0.0)]) as down:
        subscribe(api, siigo, STOCK, ok_later.url)
        subscribe(api, siigo, STOCK, down.url)
        siigo.inspect_post("products/SKU-0001/stock", {"quantity": 3})
        deliveries = siigo.inspect_get("webhooks/deliveries", wait=1)
        assert len(ok_later.bodies()) == 2 and len(down.bodies()) == 3  # first try + the two retries
    states = {d["url"]: d["state"] for d in deliveries}
    assert states == {ok_later.url: "delivered", down.url: "missed"}


def test_an_inactive_subscription_gets_nothing(siigo, api):
    with run_callback_recorder() as hook:
        sub = subscribe(api, siigo, STOCK, hook.url).json()
        api.put(siigo.url("/v1/webhooks"), timeout=10, json={**{k: sub[k] for k in ("application_id", "topic", "url")},
                                                               "active": False})
        siigo.inspect_post("products/SKU-0001/stock", {"quantity": 1})
        assert siigo.inspect_get("webhooks/deliveries", wait=1) == [] and hook.bodies() == []
