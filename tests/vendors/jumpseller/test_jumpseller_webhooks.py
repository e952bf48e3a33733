"""Jumpseller's receiver on Puente's webhook route: the signature, the store, the body, the run it plans."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
import yaml
from fastapi.testclient import TestClient

from puente.state.store import StateStore
from puente.vendors.jumpseller.event_plan import needed_events
from puente.vendors.jumpseller.event_receiver import signature_of
from puente.web.app import create_app

TOKEN = "hooks-token-of-the-andes-store-01"
STORE = "andes-outdoor"
TENANT = "andes"


def _tenant(statuses=("paid",), catalog=True) -> dict:
    return {"tenant": TENANT, "name": "Andes", "country": "CL",
            "erp": {"vendor": "bsale", "conn_id": "bsale_andes", "office_id": 1},
            "channels": [{"vendor": "jumpseller", "conn_id": "js_andes"}],
            "flows": {"invoicing": {"enabled": True, "statuses": list(statuses)},
                      "catalog_sync": {"enabled": catalog}}}


@pytest.fixture
def hooked(monkeypatch, tmp_path, set_conn):
    """``post(event, body, ...)`` against the real route; ``runs`` records what it asked Airflow for."""
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    set_conn("bsale_andes", conn_type="bsale", host="http://127.0.0.1:9", password="x")
    set_conn("js_andes", conn_type="jumpseller", host="http://127.0.0.1:9", login="l", password="p",
             extra={"hooks_token": TOKEN, "store_code": STORE})
    runs: dict[str, tuple[str, dict]] = {}

    def trigger(dag_id, run_id, conf):
        if run_id in runs:
            return False
        runs[run_id] = (dag_id, conf)
        return True

    client = TestClient(create_app(trigger=trigger), raise_server_exceptions=False)

    def post(event, body, *, token=TOKEN, store=STORE, signature=None, config=None):
        (tenants / f"{TENANT}.yaml").write_text(yaml.safe_dump(config or _tenant()))
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Jumpseller-Event": event, "Jumpseller-Store-Code": store,
                   "Jumpseller-Hmac-Sha256": signature if signature is not None else signature_of(content, token)}
        return client.post(f"/webhooks/jumpseller/{TENANT}", content=content, headers=headers)

    return post, runs


PAID = {"order": {"id": 1026, "status": "Paid", "status_enum": "paid", "total": 11900.0}}


def test_the_signature_is_base64_of_the_hmac_sha256_of_the_raw_body():
    body = b'{"order":{"id":1}}'
    expected = base64.b64encode(hmac.new(TOKEN.encode(), body, hashlib.sha256).digest()).decode()
    assert signature_of(body, TOKEN) == expected


def test_a_paid_order_plans_its_invoicing_and_a_redelivery_is_a_duplicate(hooked):
    post, runs = hooked
    first, again = post("order_paid", PAID), post("order_paid", PAID)
    assert first.status_code == 200 and first.json()["status"] == "triggered", first.text
    assert first.json()["dag_id"] == "andes__invoicing" and first.json()["conf"] == {"order_ids": ["1026"]}
    assert first.json()["run_id"] == "webhook__jumpseller__order_paid__1026"
    assert again.json()["status"] == "duplicate" and len(runs) == 1


def test_a_status_label_without_the_enum_is_read_too(hooked):
    post, _ = hooked
    answer = post("order_updated", {"order": {"id": 77, "status": "Paid"}})
    assert answer.json()["status"] == "triggered" and answer.json()["run_id"] == "webhook__jumpseller__order_paid__77"


@pytest.mark.parametrize("change", ["body", "signature", "token"])
def test_a_tampered_delivery_is_401_and_starts_nothing(hooked, change):
    post, runs = hooked
    good = json.dumps(PAID).encode()
    if change == "body":  # signed for one body, sent with another order id
        answer = post("order_paid", good.replace(b"1026", b"1027"), signature=signature_of(good, TOKEN))
    elif change == "signature":
        answer = post("order_paid", good, signature="AAAA" + signature_of(good, TOKEN)[4:])
    else:
        answer = post("order_paid", good, token="another-store-hooks-token-000001")
    assert answer.status_code == 401 and "Jumpseller-Hmac-Sha256" in answer.json()["detail"]
    assert runs == {}


def test_a_missing_signature_is_401(hooked):
    post, runs = hooked
    answer = post("order_paid", PAID, signature="")
    assert answer.status_code == 401 and "missing" in answer.json()["detail"] and runs == {}


@pytest.mark.parametrize("store", ["another-store", ""])
def test_a_store_that_is_not_the_tenants_is_403(hooked, store):
    post, runs = hooked
    answer = post("order_paid", PAID, store=store)
    assert answer.status_code == 403 and "Jumpseller-Store-Code" in answer.json()["detail"] and runs == {}


def test_a_connection_without_hooks_token_is_403(hooked, set_conn):
    post, runs = hooked
    set_conn("js_andes", conn_type="jumpseller", host="http://127.0.0.1:9", login="l", password="p")
    answer = post("order_paid", PAID)
    assert answer.status_code == 403 and "hooks_token" in answer.json()["detail"] and runs == {}


def test_an_event_puente_does_not_act_on_is_200_ignored_so_jumpseller_keeps_the_hook(hooked):
    post, runs = hooked
    for event in ("customer_created", "subscription_created"):  # one in the OpenAPI, one newer
        answer = post(event, {"customer": {"id": 5}})
        assert answer.status_code == 200 and answer.json()["status"] == "ignored", answer.text
    assert runs == {}


@pytest.mark.parametrize("event", ["Order-Paid", "order__paid", "x" * 41, ""])
def test_a_malformed_event_name_is_a_4xx(hooked, event):
    post, runs = hooked
    answer = post(event, PAID)
    assert answer.status_code in (400, 422) and answer.json()["detail"] and runs == {}


def test_a_huge_body_is_413_before_it_is_read_whole(hooked):
    post, runs = hooked
    answer = post("order_paid", b"{" + b" " * (1024 * 1024) + b"}")
    assert answer.status_code == 413 and "limit" in answer.json()["detail"] and runs == {}


@pytest.mark.parametrize("body", [{"order": {"id": "1026x"}}, {"order": {}}, {"product": {"id": 1}},
                                  {"order": {"id": True}}, {"order": {"id": -3}}])
def test_an_order_event_of_the_wrong_shape_is_422_naming_the_field(hooked, body):
    post, runs = hooked
    answer = post("order_paid", body)
    assert answer.status_code == 422 and answer.json()["detail"].startswith("order"), answer.text
    assert runs == {}


def test_an_order_in_a_status_the_tenant_does_not_invoice_starts_nothing(hooked):
    post, runs = hooked
    canceled = post("order_paid", {"order": {"id": 9, "status_enum": "canceled"}})  # the header lies
    assert canceled.json()["status"] == "ignored" and "canceled" in canceled.json()["reason"]
    pending = post("order_pending_payment", {"order": {"id": 10, "status_enum": "pending_payment"}},
                   config=_tenant(statuses=("pending_payment", "paid")))
    assert pending.json()["status"] == "triggered" and pending.json()["conf"] == {"order_ids": ["10"]}
    assert len(runs) == 1


def _link(product_id: str, *skus: str) -> None:
    StateStore().save_links(TENANT, "js_andes", [
        {"sku": sku, "status": "linked", "product_id": product_id, "variant_id": str(i), "listing_sku": sku,
         "match": "exact"} for i, sku in enumerate(skus)])


def test_a_product_event_plans_a_catalog_sync_of_its_linked_skus(hooked):
    post, runs = hooked
    _link("501", "ERP-RED", "ERP-BLUE")
    _link("777", "ERP-OTHER")
    edited = {"product": {"id": 501, "price": 9990, "variants": [{"id": 1, "stock": 99}]}}
    answer = post("product_stock_updated", edited)
    assert answer.json()["status"] == "triggered", answer.text
    assert answer.json()["dag_id"] == "andes__catalog_sync"
    assert answer.json()["conf"] == {"skus": ["ERP-BLUE", "ERP-RED"]}
    assert post("product_stock_updated", edited).json()["status"] == "duplicate"  # a re-delivery
    edited["product"]["variants"][0]["stock"] = 98  # a second edit is a new event
    assert post("product_stock_updated", edited).json()["status"] == "triggered"
    assert len(runs) == 2


def test_a_product_with_no_linked_sku_or_a_disabled_flow_starts_nothing(hooked):
    post, runs = hooked
    unknown = post("product_updated", {"product": {"id": 999}})
    assert unknown.json()["status"] == "ignored" and "no listing linked" in unknown.json()["reason"]
    _link("501", "ERP-RED")
    off = post("product_updated", {"product": {"id": 501}}, config=_tenant(catalog=False))
    assert off.json()["status"] == "ignored" and "not enabled" in off.json()["reason"]
    assert runs == {}


def test_the_needed_events_follow_the_enabled_flows():
    from puente.config.models import TenantConfig

    both = TenantConfig.model_validate(_tenant(statuses=("paid", "pending_payment", "created")))
    assert needed_events(both) == ["order_pending_payment", "order_paid", "product_updated", "product_stock_updated"]
    invoicing_only = TenantConfig.model_validate(_tenant(catalog=False))
    assert needed_events(invoicing_only) == ["order_paid"]
