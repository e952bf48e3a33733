"""AlegraHook end-to-end against the Alegra sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, TransientError
from puente.vendors.alegra import hook as alegra_module
from puente.vendors.alegra.hook import AlegraHook, alegra_error_code, item_price, item_stock
from puente_sandbox.alegra import run_alegra_sandbox
from puente_sandbox.alegra.seed import ELECTRONIC_TEMPLATE_ID, GIFT_REFERENCE, IVA_19_ID, VARIANT_REFERENCE
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN
from puente_sandbox.handle import SandboxHandle


class FastAlegra(AlegraHook):
    backoff_base = 0.01
    backoff_max = 0.02


@pytest.fixture
def alegra() -> Iterator[SandboxHandle]:
    with run_alegra_sandbox() as handle:
        yield handle


def connect(set_conn, sandbox: SandboxHandle, conn_id: str = "alegra_sb", **overrides: Any) -> str:
    fields = {"conn_type": "alegra", "host": sandbox.base_url, "login": DEFAULT_ALEGRA_EMAIL,
              "password": DEFAULT_ALEGRA_TOKEN, **overrides}  # fmt: skip
    return set_conn(conn_id, **fields)


@pytest.fixture
def hook(alegra, set_conn, limiter) -> FastAlegra:
    return FastAlegra(connect(set_conn, alegra), limiter=limiter)


def routes(sandbox: SandboxHandle) -> dict[str, int]:
    return sandbox.counters()["by_route"]


def invoice_payload(sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    client = next(c for c in sandbox.store.contacts if c["status"] == "active" and "client" in c["type"])
    item = next(i for i in sandbox.store.items if i["reference"] == "REF-0002")
    body = {"date": "2025-07-10", "dueDate": "2025-08-09", "client": {"id": client["id"]},
            "numberTemplate": {"id": ELECTRONIC_TEMPLATE_ID}, "status": "open", "stamp": {"generateStamp": True},
            "items": [{"id": item["id"], "price": 50000, "quantity": 1, "tax": [{"id": IVA_19_ID}]}]}  # fmt: skip
    return {**body, **changes}


def test_items_page_to_the_end_with_metadata(hook, alegra) -> None:
    items = hook.list_items()
    assert [i["id"] for i in items] == [i["id"] for i in alegra.store.items]  # 51 items: 30 + 21
    assert routes(alegra)["GET /items"] == 2
    writes_free = alegra.counters()["by_status"]
    assert set(writes_free) == {"200"}


def test_sku_lookups_by_reference_and_barcode(hook, alegra) -> None:
    (by_ref,) = hook.list_items(reference="REF-0007")
    assert by_ref["reference"] == "REF-0007"  # "REF-00070" etc. would match the free-text query only
    variants = hook.list_items(reference=VARIANT_REFERENCE)
    assert len(variants) == 2
    (by_code,) = hook.list_items(barcode=variants[1]["barcode"])
    assert by_code["id"] == variants[1]["id"]
    assert hook.list_items(reference="NO-EXISTE") == []
    stock = hook.item_inventory(by_ref["id"], warehouse_id="2")
    assert stock == item_stock(by_ref, "2") == by_ref["inventory"]["warehouses"][1]["availableQuantity"]
    assert hook.item_price(by_ref["id"], "2") == by_ref["price"][1]["price"]
    assert item_price(by_ref) == by_ref["price"][0]["price"]
    service = next(i for i in alegra.store.items if "inventory" not in i)
    assert item_stock(service) is None
    with pytest.raises(ValueError):
        hook.list_items(reference="a", barcode="b")


def test_catalogs(hook) -> None:
    assert [w["name"] for w in hook.list_warehouses(status="active")] == ["Principal", "Bodega Medellín"]
    assert hook.list_price_lists()[0]["name"] == "General"
    assert {s["id"] for s in hook.list_sellers()} >= {"1", "2"}
    assert hook.list_cost_centers()
    templates = hook.list_number_templates()
    assert {t["documentType"] for t in templates} == {"invoice"} and any(t["isElectronic"] for t in templates)
    assert any(t["percentage"] == "19.00" for t in hook.list_taxes())
    assert hook.list_bank_accounts()


def test_find_and_create_contact(hook, alegra) -> None:
    known = alegra.store.contacts[5]
    assert hook.find_contact(known["identification"])["id"] == known["id"]
    assert hook.find_contact("123") is None
    created = hook.create_contact({"name": "Tienda La 70 SAS", "identification": {"type": "NIT", "number": "901234567"},
                                   "kindOfPerson": "LEGAL_ENTITY", "regime": "COMMON_REGIME"})  # fmt: skip
    assert hook.find_contact("901234567")["id"] == created["id"]
    with pytest.raises(PermanentError) as duplicate:
        hook.create_contact({"name": "Otra", "identification": {"type": "NIT", "number": "901234567"}})
    assert duplicate.value.status == 400 and alegra_error_code(duplicate.value) == "2002"
    assert duplicate.value.vendor_message == "Ya existe un contacto con la identificación 901234567"


def test_invoices_create_get_and_list_by_date(hook, alegra) -> None:
    created = hook.create_invoice(invoice_payload(alegra))
    assert created["status"] == "open" and created["stamp"]["legalStatus"] == "ACCEPTED"
    assert hook.get_invoice(created["id"])["stamp"]["cufe"] == created["stamp"]["cufe"]
    everything = list(hook.list_invoices())
    assert [i["id"] for i in everything] == list(alegra.store.invoices)  # 41 invoices: 30 + 11
    window = list(hook.list_invoices(date_from="2025-06-04", date_to="2025-06-06"))
    expected = [i["id"] for i in alegra.store.invoices.values() if "2025-06-04" <= i["date"] <= "2025-06-06"]
    assert [i["id"] for i in window] == expected and expected
    draft = hook.create_invoice(invoice_payload(alegra, status="draft", stamp=None))
    assert draft["status"] == "draft"
    assert hook.open_invoice(draft["id"], stamp=True)["stamp"]["legalStatus"] == "ACCEPTED"
    with pytest.raises(NotFound) as missing:
        hook.get_invoice("999999")
    assert missing.value.vendor_message == "No se encontró la factura con id 999999"


def test_dian_zero_price_is_a_typed_refusal_with_alegras_message(hook, alegra) -> None:
    gift = next(i for i in alegra.store.items if i["reference"] == GIFT_REFERENCE)
    payload = invoice_payload(alegra, items=[{"id": gift["id"], "price": 0, "quantity": 1}])
    with pytest.raises(PermanentError) as refused:
        hook.create_invoice(payload)
    assert refused.value.status == 400 and alegra_error_code(refused.value) == "3082"
    assert "DIAN no acepta ítems sin precio" in refused.value.vendor_message
    assert routes(alegra)["POST /invoices"] == 1  # a 400 is never re-sent


def test_lost_invoice_answer_is_uncertain_and_never_resent(hook, alegra) -> None:
    alegra.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as lost:
        hook.create_invoice(invoice_payload(alegra))
    assert lost.value.uncertain
    alegra.clear_faults()
    assert [w["lost"] for w in alegra.writes()] == [True]
    assert len(alegra.inspect_get("invoices", origin="api")) == 1  # it was created: look it up first


def test_bad_token_is_an_auth_error_and_stays_masked(alegra, set_conn, limiter, monkeypatch) -> None:
    masked: list[str] = []
    monkeypatch.setattr(alegra_module, "mask", masked.append)
    bad = FastAlegra(connect(set_conn, alegra, "alegra_bad", password="wrong-token-123"), limiter=limiter)
    with pytest.raises(AuthError) as denied:
        bad.list_sellers()
    assert denied.value.status == 401 and "wrong-token-123" not in str(denied.value)
    assert denied.value.vendor_message == "Usuario o token incorrectos, verifica tus credenciales"
    assert "wrong-token-123" in masked
    assert routes(alegra)["GET /sellers"] == 1  # no token to renew: a 401 is final
    ok, message = bad.test_connection()
    assert not ok and "Usuario o token incorrectos" in message and "wrong-token-123" not in message
    no_login = FastAlegra(connect(set_conn, alegra, "alegra_nologin", login=""), limiter=limiter)
    ok, message = no_login.test_connection()
    assert not ok and "e-mail" in message


def test_budget_is_150_per_minute() -> None:
    assert AlegraHook.rate_limit_budgets == ((150, 60.0),)


def test_429_waits_for_the_reset_header_and_retries(set_conn, limiter) -> None:
    class Unthrottled(FastAlegra):
        rate_limit_budgets = ()  # let the sandbox's budget do the refusing

    with run_alegra_sandbox(rate_limits=((4, 1.0),)) as sandbox:
        hook = Unthrottled(connect(set_conn, sandbox, "alegra_429"), limiter=limiter)
        assert len(hook.list_items()) == len(sandbox.store.items)
        for _ in range(3):
            assert hook.list_sellers()
        assert hook.rate_limited >= 1 and sandbox.counters()["rate_limited"] >= 1
        assert sandbox.counters()["by_status"]["200"] == 5
