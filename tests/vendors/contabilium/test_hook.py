"""ContabiliumHook end-to-end against the Contabilium sandbox (a real FastAPI server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from puente.hooks import token_auth
from puente.hooks.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError
from puente.vendors.contabilium import hook as contabilium_module
from puente.vendors.contabilium.hook import ContabiliumHook, invoice_letter, invoice_type_code
from puente_sandbox.contabilium import generate_contabilium_data, run_contabilium_sandbox
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET
from puente_sandbox.handle import SandboxHandle
from scripted_server import Reply


class FastContabilium(ContabiliumHook):
    backoff_base = 0.01
    backoff_max = 0.02
    max_page_size = 20  # 123 conceptos -> 7 pages


@pytest.fixture
def cb() -> Iterator[SandboxHandle]:
    with run_contabilium_sandbox(generate_contabilium_data(n_products=120)) as handle:
        yield handle


def connect(set_conn, base_url: str, conn_id: str = "contabilium_sb", **overrides: Any) -> str:
    fields = {
        "conn_type": "contabilium",
        "host": base_url,
        "login": DEFAULT_CONTABILIUM_CLIENT_ID,
        "password": DEFAULT_CONTABILIUM_CLIENT_SECRET,
        **overrides,
    }
    return set_conn(conn_id, **fields)


@pytest.fixture
def hook(cb, set_conn, limiter) -> FastContabilium:
    return FastContabilium(connect(set_conn, cb.base_url), limiter=limiter)


def token_calls(sandbox: SandboxHandle) -> int:
    return sandbox.counters()["by_route"].get("POST /token", 0)


def invoice_payload(sandbox: SandboxHandle, tipo: str = "B", iva: str = "CF", ref: str = "JS-1") -> dict[str, Any]:
    client = next(c for c in sandbox.store.clients if c["CondicionIva"] == iva)
    product = sandbox.store.product_by_code("SKU-0002")
    return {
        "IdCliente": client["Id"], "TipoFc": tipo, "PuntoVenta": 59419, "Modo": "E", "CondicionVenta": "Contado",
        "TipoConcepto": 1, "Inventario": 31294, "FechaEmision": "2026-07-06T00:00:00", "RefExterna": ref,
        "Items": [{"IdConcepto": product["Id"], "Cantidad": 1, "PrecioUnitario": 1000, "Iva": 21}],
    }  # fmt: skip


def test_token_is_fetched_once_reused_and_masked(hook, cb, monkeypatch) -> None:
    masked: list[str] = []
    monkeypatch.setattr(token_auth, "mask", masked.append)  # where the shared token cache masks
    assert hook.list_warehouses() and hook.list_points_of_sale()
    sibling = hook.sibling()
    assert sibling.list_sale_conditions()[0]["Nombre"] == "Contado"
    assert token_calls(cb) == 1 and hook.token_requests == 1 and sibling.token_requests == 0
    assert masked == [next(iter(cb.store.tokens))]  # registered with Airflow's log masker
    form = cb.writes()[0]
    assert form["route"] == "POST /token" and DEFAULT_CONTABILIUM_CLIENT_SECRET in str(form["body"])


def test_expired_token_is_renewed_once(hook, cb) -> None:
    hook.list_warehouses()
    cb.inspect_post("tokens/expire")
    assert hook.list_price_lists()  # 401, new token, same request again
    assert token_calls(cb) == 2 and cb.counters()["by_status"]["401"] == 1


def test_a_second_401_is_an_auth_error(hook, cb, monkeypatch) -> None:
    monkeypatch.setattr(cb.store, "token_valid", lambda token: False)
    with pytest.raises(AuthError) as denied:
        hook.list_warehouses()
    assert denied.value.status == 401
    assert denied.value.vendor_message == "Authorization has been denied for this request."
    assert token_calls(cb) == 2  # renewed exactly once


def test_bad_credentials_are_an_auth_error_without_the_secret(cb, set_conn, limiter) -> None:
    bad = ContabiliumHook(connect(set_conn, cb.base_url, "contabilium_bad", password="wrong-api-key"), limiter=limiter)
    with pytest.raises(AuthError) as denied:
        bad.list_warehouses()
    assert denied.value.vendor_message == "invalid_client" and "wrong-api-key" not in str(denied.value)
    ok, message = bad.test_connection()
    assert not ok and "invalid_client" in message


def test_paging_walks_the_envelope_to_the_end(hook, cb) -> None:
    products = hook.list_products()
    assert [p["Codigo"] for p in products] == [p["Codigo"] for p in cb.store.products]
    assert cb.counters()["by_route"]["GET /api/conceptos/search"] == 7
    rows = list(hook.stock_by_warehouse(31293))
    assert len(rows) == len(cb.store.stock_in(31293)) > 50  # fixed page size 50: several pages
    assert cb.counters()["by_route"]["GET /api/inventarios/getStockByDeposito"] == -(-len(rows) // 50)
    assert len(hook.price_list_items(2201)) == len(cb.store.price_lists[2201]["Items"])


def test_products_by_sku_and_stock(hook, cb) -> None:
    assert [p["Codigo"] for p in hook.list_products("sku-0004")] == ["SKU-0004"]
    assert hook.list_products("NOPE") == [] and hook.stock_by_sku("NOPE") is None
    sku = hook.stock_by_sku("SKU-0004")
    per_warehouse = {d["Id"]: r["StockConReservas"] for d in hook.list_warehouses() if d["Activo"]
                     for r in hook.stock_by_warehouse(d["Id"]) if r["Codigo"] == "SKU-0004"}  # fmt: skip
    assert sku["StockConReservas"] == sum(per_warehouse.values()) and 2 <= len(per_warehouse) <= 3
    with pytest.raises(NotFound) as missing:
        hook.get_product(1)
    assert missing.value.vendor_message == "El concepto es inexistente"


def test_429_is_waited_out_and_retried(set_conn, limiter) -> None:
    class Unthrottled(FastContabilium):
        rate_limit_budgets = ()  # let the sandbox's budget do the refusing

    with run_contabilium_sandbox(rate_limits=((3, 1.0),)) as sandbox:
        hook = Unthrottled(connect(set_conn, sandbox.base_url, "contabilium_429"), limiter=limiter)
        for _ in range(3):
            assert hook.list_warehouses()
        assert hook.rate_limited >= 1 and sandbox.counters()["rate_limited"] >= 1


def test_cloudflare_html_403_is_waited_out(server, set_conn, limiter, monkeypatch) -> None:
    monkeypatch.setattr(contabilium_module, "CLOUDFLARE_WAIT_S", 0.05)
    html = {"Content-Type": "text/html"}
    server.replies.extend([
        Reply(200, {"access_token": "tok-cloudflare-1", "token_type": "bearer", "expires_in": 86399}),
        Reply(403, "<html><body>Attention Required! | Cloudflare</body></html>", html),
        Reply(200, [{"Id": 31293, "Nombre": "PRINCIPAL", "Activo": True}]),
    ])  # fmt: skip
    hook = FastContabilium(connect(set_conn, server.base_url, "contabilium_cf"), limiter=limiter)
    assert hook.list_warehouses()[0]["Id"] == 31293 and hook.rate_limited == 1
    assert server.seen[-1].headers["authorization"] == "Bearer tok-cloudflare-1"
    server.replies.extend([Reply(403, "<html>blocked</html>", html)] * 6)
    with pytest.raises(RateLimited) as blocked:
        hook.list_warehouses()
    assert blocked.value.vendor_message == "blocked by Cloudflare (HTML page)"


def test_clients_find_create_and_existing(hook, cb) -> None:
    known = next(c for c in cb.store.clients if c["CondicionIva"] == "RI")
    assert hook.find_client(tax_id=known["NroDoc"])["Id"] == known["Id"]
    assert hook.find_client(email=known["Email"].upper())["Id"] == known["Id"]
    assert hook.find_client(tax_id="20999888", email="nadie@correo.com.ar") is None
    body = {"Id": 0, "RazonSocial": "Juan Pérez", "CondicionIva": "CF", "TipoDoc": "DNI", "NroDoc": "38566200",
            "Email": "juan@correo.com.ar", "Personeria": "F"}  # fmt: skip
    created = hook.create_client(body)
    assert hook.create_client(body) == created  # HTTP 500 "ya se encuentra registrado" -> found again
    assert [c["Id"] for c in cb.inspect_get("clients")].count(created) == 1
    with pytest.raises(PermanentError) as dup:
        hook.create_client(body, existing_ok=False)
    assert dup.value.vendor_message == "El cliente ya se encuentra registrado"
    with pytest.raises(PermanentError) as invalid:
        hook.create_client({**body, "NroDoc": "1"})
    assert invalid.value.status == 400 and "documento" in invalid.value.vendor_message


def test_invoices_send_the_documented_type_and_are_emailed(hook, cb) -> None:
    assert invoice_letter("RI", "CF") == "B" and invoice_letter("RI", "MO") == "A" and invoice_letter("MO", "RI") == "C"
    assert [invoice_type_code(c) for c in ("B", "FB", "fcb", "A")] == ["FCB", "FCB", "FCB", "FCA"]
    draft = hook.create_invoice(invoice_payload(cb, tipo="FB"))
    assert hook.get_invoice(draft)["TipoFc"] == "FCB"  # short form rewritten before sending
    emitted = hook.authorize_invoice(draft)
    assert emitted["cae"] and emitted["numero"].startswith("0003-")
    with pytest.raises(PermanentError) as twice:
        hook.authorize_invoice(draft)
    assert twice.value.vendor_message == "El comprobante ya se encuentra emitido"
    one_step = hook.issue_invoice(invoice_payload(cb, tipo="A", iva="RI", ref="JS-2"))
    assert hook.get_invoice(one_step["idComprobante"])["TipoFc"] == "FCA"
    assert [i["Id"] for i in hook.find_invoices("JS-2")] == [one_step["idComprobante"]]
    assert hook.email_invoice(one_step["idComprobante"], "compras@empresa.com.ar") is True
    assert [(e["IdComprobante"], e["Email"]) for e in cb.inspect_get("emails")] == [
        (one_step["idComprobante"], "compras@empresa.com.ar")
    ]
    with pytest.raises(PermanentError) as wrong_letter:
        hook.create_invoice(invoice_payload(cb, tipo="A", iva="CF"))
    assert "debe ser factura B" in wrong_letter.value.vendor_message


def test_lost_invoice_answer_is_uncertain_and_not_resent(hook, cb) -> None:
    hook.list_warehouses()  # token first: /token is a POST and would draw from the fault dice
    cb.set_faults(lost_response_rate=1.0)
    with pytest.raises(TransientError) as lost:
        hook.create_invoice(invoice_payload(cb, ref="JS-LOST"))
    cb.clear_faults()
    assert lost.value.uncertain
    assert [w["lost"] for w in cb.writes() if w["route"] == "POST /api/comprobantes/crear"] == [True]
    assert len(hook.find_invoices("JS-LOST")) == 1  # the caller looks it up before trying again


def test_emission_without_cae_is_a_failure(server, set_conn, limiter) -> None:
    server.replies.extend([
        Reply(200, {"access_token": "tok-cae-1", "token_type": "bearer", "expires_in": 86399}),
        Reply(200, {"idComprobante": 5, "cae": "", "numero": "", "url": "", "fechaVto": "",
                    "errores": "El CUIT del receptor es inválido"}),
    ])  # fmt: skip
    hook = FastContabilium(connect(set_conn, server.base_url, "contabilium_cae"), limiter=limiter)
    with pytest.raises(PermanentError) as refused:
        hook.issue_invoice({"TipoFc": "B"})
    assert refused.value.vendor_message == "El CUIT del receptor es inválido"
    assert server.seen[-1].body["TipoFc"] == "FCB"
