"""SiigoHook end-to-end against the Siigo sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from puente.hooks import token_auth
from puente.hooks.errors import AuthError, NotFound, PermanentError, TransientError
from puente.vendors.siigo.hook import SiigoHook, idempotency_key, siigo_error_codes
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import run_siigo_sandbox


class FastSiigo(SiigoHook):
    backoff_base = 0.01
    backoff_max = 0.02
    max_page_size = 25  # 60 seeded invoices -> 3 pages


@pytest.fixture
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox() as handle:
        yield handle


def connect(set_conn, sandbox: SandboxHandle, conn_id: str = "siigo_sb", **overrides: Any) -> str:
    fields = {
        "conn_type": "siigo",
        "host": sandbox.base_url,
        "login": DEFAULT_SIIGO_USER,
        "password": DEFAULT_SIIGO_ACCESS_KEY,
        "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID},
        **overrides,
    }
    return set_conn(conn_id, **fields)


@pytest.fixture
def hook(siigo, set_conn, limiter) -> FastSiigo:
    return FastSiigo(connect(set_conn, siigo), limiter=limiter)


def auth_calls(sandbox: SandboxHandle) -> int:
    return sandbox.counters()["by_route"].get("POST /auth", 0)


def invoice_payload(sandbox: SandboxHandle, value: float = 2546.05) -> dict[str, Any]:
    customer = next(c for c in sandbox.store.customers if c["active"] and c["contacts"])
    return {
        "document": {"id": 24446},
        "date": sandbox.store.today().isoformat(),
        "customer": {"identification": customer["identification"], "branch_office": 0},
        "seller": 629,
        "stamp": {"send": True},
        "items": [{"code": "SKU-0001", "quantity": 2, "price": 1069.77, "taxes": [{"id": 13156}]}],
        "payments": [{"id": 5637, "value": value}],
    }


def test_token_is_fetched_once_and_reused_by_every_hook(hook, siigo, monkeypatch) -> None:
    masked: list[str] = []
    monkeypatch.setattr(token_auth, "mask", masked.append)  # where the shared token cache masks
    assert hook.list_users() and hook.list_taxes()
    sibling = hook.sibling()
    assert sibling.list_document_types()[0]["type"] == "FV"
    assert auth_calls(siigo) == 1 and hook.token_requests == 1 and sibling.token_requests == 0
    token = next(iter(siigo.store.tokens))
    assert masked == [token]  # registered with Airflow's log masker


def test_forced_expiry_renews_the_token_once(hook, siigo) -> None:
    hook.list_cost_centers()
    siigo.inspect_post("tokens/expire")
    assert hook.list_warehouses()  # 401, new token, same request again
    assert auth_calls(siigo) == 2
    assert siigo.counters()["by_status"]["401"] == 1


def test_a_second_401_is_an_auth_error(hook, siigo, monkeypatch) -> None:
    monkeypatch.setattr(siigo.store, "token_valid", lambda token: False)
    with pytest.raises(AuthError) as denied:
        hook.list_taxes()
    assert denied.value.status == 401 and denied.value.vendor_message.startswith("unauthorized: ")
    assert auth_calls(siigo) == 2  # renewed exactly once


def test_bad_credentials_and_partner_id(siigo, set_conn, limiter) -> None:
    bad = SiigoHook(connect(set_conn, siigo, "siigo_bad", password="wrong-access-key"), limiter=limiter)
    with pytest.raises(AuthError) as denied:
        bad.list_taxes()
    assert "wrong-access-key" not in str(denied.value) and siigo_error_codes(denied.value) == ["unauthorized"]
    ok, message = bad.test_connection()
    assert not ok and "unauthorized" in message
    no_partner = SiigoHook(connect(set_conn, siigo, "siigo_np", extra={}), limiter=limiter)
    ok, message = no_partner.test_connection()
    assert not ok and "partner_id" in message


def test_429_is_waited_out_and_retried(set_conn, limiter) -> None:
    class Unthrottled(FastSiigo):
        rate_limit_budgets = ()  # let the sandbox's budget do the refusing

    with run_siigo_sandbox(rate_limits=((3, 1.0),)) as sandbox:
        hook = Unthrottled(connect(set_conn, sandbox, "siigo_429"), limiter=limiter)
        for _ in range(3):
            assert hook.list_taxes()
        assert hook.rate_limited >= 1 and sandbox.counters()["rate_limited"] >= 1


def test_invoices_paginate_to_the_end_with_filters(hook, siigo) -> None:
    invoices = list(hook.list_invoices())
    assert [i["id"] for i in invoices] == list(siigo.store.invoices)
    assert siigo.counters()["by_route"]["GET /v1/invoices"] == 3
    window = list(hook.list_invoices(date_start="2024-05-10", date_end="2024-05-12"))
    expected = [i["id"] for i in siigo.store.invoices.values() if "2024-05-10" <= i["date"] <= "2024-05-12"]
    assert [i["id"] for i in window] == expected and expected
    one = hook.get_invoice(invoices[0]["id"])
    assert one["name"] == invoices[0]["name"]
    with pytest.raises(NotFound) as missing:
        hook.get_invoice("does-not-exist")
    assert missing.value.vendor_message.startswith("not_found: ")


def test_idempotent_create_survives_a_lost_answer(hook, siigo) -> None:
    hook.list_taxes()  # token first: /auth is a POST and would draw from the fault dice
    seed = next(s for s in range(1000) if (r := random.Random(s)).random() < 0.5 <= r.random())
    siigo.set_faults(lost_response_rate=0.5, seed=seed)  # first POST lost, second answered
    key = idempotency_key("tenant-a", "order", 1042)
    created = hook.create_invoice(invoice_payload(siigo), idempotency_key=key)
    siigo.clear_faults()
    again = hook.create_invoice(invoice_payload(siigo), idempotency_key=key)
    assert again["id"] == created["id"] and again["total"] == 2546.05
    posts = [w for w in siigo.writes() if w["route"] == "POST /v1/invoices"]
    assert [w["lost"] for w in posts] == [True, False, False]
    assert [i["_idempotency_key"] for i in siigo.inspect_get("invoices", origin="api")] == [key]


def test_create_without_key_is_uncertain_when_the_answer_is_lost(hook, siigo) -> None:
    hook.list_taxes()
    siigo.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as lost:
        hook.create_invoice(invoice_payload(siigo))
    assert lost.value.uncertain
    with pytest.raises(ValueError, match="Idempotency-Key"):
        hook.create_invoice(invoice_payload(siigo), idempotency_key="order-42")


def test_business_refusal_keeps_siigos_code_and_message(hook, siigo) -> None:
    with pytest.raises(PermanentError) as refused:
        hook.create_invoice(invoice_payload(siigo, value=1), idempotency_key="abc1")
    assert refused.value.status == 400 and siigo_error_codes(refused.value) == ["invalid_total_payments"]
    assert refused.value.vendor_message == (
        "invalid_total_payments: The total payments must be equal to the total invoice. "
        "The total invoice calculated is 2546.05"
    )


def test_customers_products_and_catalogs(hook, siigo) -> None:
    known = siigo.store.customers[0]
    assert hook.find_customer(known["identification"])["id"] == known["id"]
    assert hook.find_customer("123456789") is None
    created = hook.create_customer(
        {
            "person_type": "Person",
            "id_type": "13",
            "identification": "1098765432",
            "name": ["Marcos", "Castillo"],
            "address": {
                "address": "Calle 10 #43-12",
                "city": {"country_code": "Co", "state_code": "05", "city_code": "05001"},
            },
            "phones": [{"number": "3006003344"}],
            "contacts": [{"first_name": "Marcos", "last_name": "Castillo", "email": "marcos@correo.co"}],
        }
    )
    assert hook.find_customer("1098765432")["id"] == created["id"]
    assert [p["code"] for p in hook.list_products(code="SKU-0002")] == ["SKU-0002"]
    assert len(hook.list_products()) == len(siigo.store.products)
    assert {p["type"] for p in hook.list_payment_types("FV")} <= {"Cartera", "CarteraProveedor"}
    assert hook.list_price_lists() and hook.list_users()[0]["id"] == 629
