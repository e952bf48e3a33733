"""Siigo's webhook_registrar against the Siigo sandbox through the real hook: one subscription per product
topic to the tenant's URL with its secret, idempotent, a moved URL fixed, a stale one removed, other
apps' subscriptions untouched, and the secret never in what it returns."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest
import requests

from puente.connectors import registry
from puente.webhook_registration import RegistrationRefused
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.siigo import run_siigo_sandbox
from puente_sandbox.siigo.webhooks import TOPICS

TOKEN = "co-tienda-siigo-hook-0001"
BASE = "https://airflow.example"
TENANT = "co_tienda"


def config(catalog: bool = True):
    return SimpleNamespace(tenant=TENANT, erp=SimpleNamespace(vendor="siigo", conn_id="siigo_co"),
                           flows=SimpleNamespace(catalog_sync=SimpleNamespace(enabled=catalog)))


@pytest.fixture
def siigo(monkeypatch):
    with run_siigo_sandbox(rate_limits=None) as handle:
        extra = {"partner_id": DEFAULT_SIIGO_PARTNER_ID, "webhook_token": TOKEN, "rate_limit_per_minute": 0}
        monkeypatch.setenv("AIRFLOW_CONN_SIIGO_CO", json.dumps({
            "conn_type": "siigo", "host": handle.base_url, "login": DEFAULT_SIIGO_USER,
            "password": DEFAULT_SIIGO_ACCESS_KEY, "extra": extra}))
        yield handle


def subscriptions(siigo) -> list[dict]:
    return list(siigo.store.webhooks.subscriptions.values())


def registrar():
    return registry.connector_class("webhook_registrar", "siigo")()


def test_register_subscribes_every_product_topic_once(siigo):
    changes = registrar().register(config(), BASE)
    assert sorted(c.event for c in changes) == sorted(TOPICS) and {c.action for c in changes} == {"created"}
    url = f"{BASE}/puente/webhooks/siigo/{TENANT}?token={TOKEN}"
    assert {(s["topic"], s["url"], s["application_id"]) for s in subscriptions(siigo)} == {
        (topic, url, DEFAULT_SIIGO_PARTNER_ID) for topic in TOPICS}
    assert all(TOKEN not in c.url and "token=***" in c.url for c in changes)

    again = registrar().register(config(), BASE)
    assert {c.action for c in again} == {"kept"} and len(subscriptions(siigo)) == 3
    listed = registrar().registered(config())
    assert len(listed) == 3 and all(h.ours and TOKEN not in h.url for h in listed)


def test_a_moved_base_url_and_a_foreign_subscription(siigo):
    registrar().register(config(), "https://old.example")
    siigo.store.webhooks.subscribe({"application_id": "OtraApp", "topic": TOPICS[0], "url": "https://otra.example/h"})
    changes = registrar().register(config(), BASE)
    assert {c.action for c in changes} == {"updated"}
    urls = {s["url"] for s in subscriptions(siigo)}
    assert urls == {f"{BASE}/puente/webhooks/siigo/{TENANT}?token={TOKEN}", "https://otra.example/h"}


def test_a_tenant_whose_catalog_sync_is_off_needs_none_and_loses_its_own(siigo):
    registrar().register(config(), BASE)
    changes = registrar().register(config(catalog=False), BASE)
    assert {c.action for c in changes} == {"deleted"} and subscriptions(siigo) == []


def test_an_inactive_subscription_is_reactivated(siigo):
    registrar().register(config(), BASE)
    first = subscriptions(siigo)[0]
    first["active"] = False
    changes = registrar().register(config(), BASE)
    assert [c.action for c in changes if c.hook_id == first["id"]] == ["updated"] and first["active"] is True


def test_without_a_webhook_token_registration_is_refused(siigo, monkeypatch):
    fields = json.loads(os.environ["AIRFLOW_CONN_SIIGO_CO"])
    fields["extra"].pop("webhook_token")
    monkeypatch.setenv("AIRFLOW_CONN_SIIGO_CO", json.dumps(fields))
    with pytest.raises(RegistrationRefused, match="webhook_token"):
        registrar().register(config(), BASE)
    assert subscriptions(siigo) == []


def test_the_hook_walks_the_paged_list(siigo):
    for n in range(30):  # more than one page of 25
        siigo.store.webhooks.subscribe({"application_id": "X", "topic": TOPICS[0], "url": f"https://x.example/{n}"})
    assert len(registrar().registered(config())) == 30
    assert requests.get(siigo.url("/v1/webhooks"), timeout=10).status_code in (400, 401)  # needs auth
