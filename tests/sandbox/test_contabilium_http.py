"""Contabilium sandbox contract over real HTTP: token, envelope paging, stock per depósito, both
invoice-type forms, e-mails recorded, clients, ``Message`` errors, 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from puente_sandbox.contabilium import generate_contabilium_data, run_contabilium_sandbox
from puente_sandbox.contabilium.seed import NO_STOCK_CODE, SERVICE_CODE
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET
from puente_sandbox.handle import SandboxHandle

FORM = {
    "grant_type": "client_credentials",
    "client_id": DEFAULT_CONTABILIUM_CLIENT_ID,
    "client_secret": DEFAULT_CONTABILIUM_CLIENT_SECRET,
}


@pytest.fixture(scope="module")
def cb() -> Iterator[SandboxHandle]:
    with run_contabilium_sandbox(generate_contabilium_data(n_products=120), rate_limits=None) as handle:
        yield handle


def login(sandbox: SandboxHandle) -> requests.Session:
    answer = requests.post(sandbox.url("/token"), data=FORM, timeout=10)
    assert answer.status_code == 200, answer.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


@pytest.fixture(scope="module")
def api(cb: SandboxHandle) -> requests.Session:
    return login(cb)


def client_with(sandbox: SandboxHandle, iva: str) -> dict[str, Any]:
    return next(c for c in sandbox.store.clients if c["CondicionIva"] == iva)


def invoice(sandbox: SandboxHandle, tipo: str, iva: str = "CF", **changes: Any) -> dict[str, Any]:
    product = sandbox.store.product_by_code("SKU-0001")
    body = {
        "IdCliente": client_with(sandbox, iva)["Id"], "TipoFc": tipo, "PuntoVenta": 59419, "Modo": "E",
        "CondicionVenta": "Contado", "TipoConcepto": 1, "Inventario": 31293,
        "FechaEmision": "2026-07-06T00:00:00", "Observaciones": "Venta web #456", "RefExterna": "JS-456",
        "Items": [
            {"IdConcepto": product["Id"], "Concepto": product["Nombre"], "Codigo": "SKU-0001", "Cantidad": 2,
             "PrecioUnitario": 1000, "Iva": 21, "Bonificacion": 0},
            {"Concepto": "Envío", "Cantidad": 1, "PrecioUnitario": 500, "Iva": 21},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def test_token_endpoint_and_bearer_check(cb: SandboxHandle) -> None:
    answer = requests.post(cb.url("/token"), data=FORM, timeout=10)
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("bearer", 86399)
    bad = requests.post(cb.url("/token"), data={**FORM, "client_secret": "nope"}, timeout=10)
    assert bad.status_code == 400 and bad.json() == {"error": "invalid_client"}
    as_json = requests.post(cb.url("/token"), json=FORM, timeout=10)
    assert as_json.status_code == 400 and as_json.json() == {"error": "unsupported_grant_type"}
    denied = requests.get(cb.url("/api/inventarios/getDepositos"), timeout=10)
    assert denied.status_code == 401 and denied.json() == {"Message": "Authorization has been denied for this request."}
    session = login(cb)
    token = session.headers["Authorization"].split()[1]
    assert session.get(cb.url("/api/inventarios/getDepositos"), timeout=10).status_code == 200
    assert cb.inspect_post("tokens/expire", {"token": token}) == {"expired": 1}
    expired = session.get(cb.url("/api/inventarios/getDepositos"), timeout=10)
    assert expired.status_code == 401 and "Message" in expired.json()


def test_envelope_paging_walks_to_the_last_page(cb: SandboxHandle, api: requests.Session) -> None:
    codes, page = [], 1
    while True:
        body = api.get(cb.url("/api/conceptos/search"), params={"page": page, "pageSize": 50}, timeout=10).json()
        assert set(body) == {"Items", "TotalItems", "TotalPage"}
        assert body["TotalItems"] == len(cb.store.products) and body["TotalPage"] == 3
        codes += [p["Codigo"] for p in body["Items"]]
        if page >= body["TotalPage"]:
            break
        page += 1
    assert codes == [p["Codigo"] for p in cb.store.products]
    beyond = api.get(cb.url("/api/conceptos/search"), params={"page": 9}, timeout=10).json()
    assert beyond["Items"] == [] and beyond["TotalPage"] == 3
    first = api.get(cb.url("/api/conceptos/search"), params={"page": 0, "pageSize": 2}, timeout=10).json()
    assert [p["Codigo"] for p in first["Items"]] == ["SKU-0001", "SKU-0002"]  # page 0 = page 1
    found = api.get(cb.url("/api/conceptos/search"), params={"filtro": "agotado"}, timeout=10).json()
    assert [p["Codigo"] for p in found["Items"]] == [NO_STOCK_CODE]


def test_products_by_sku_and_unknown_sku(cb: SandboxHandle, api: requests.Session) -> None:
    one = api.get(cb.url("/api/conceptos/getByCodigo"), params={"codigo": "sku-0003"}, timeout=10).json()
    assert one["Codigo"] == "SKU-0003" and {"Id", "Precio", "PrecioFinal", "Iva", "Tipo", "Estado"} <= set(one)
    missing = api.get(cb.url("/api/conceptos/getByCodigo"), params={"codigo": "NOPE"}, timeout=10)
    assert missing.status_code == 404 and missing.json()["Message"]
    assert api.get(cb.url("/api/inventarios/getStockBySKU"), params={"codigo": "NOPE"}, timeout=10).status_code == 404


def test_stock_per_warehouse_adds_up(cb: SandboxHandle, api: requests.Session) -> None:
    deposits = api.get(cb.url("/api/inventarios/getDepositos"), timeout=10).json()
    assert isinstance(deposits, list) and {"Id", "Nombre", "Activo"} == set(deposits[0])
    per_sku: dict[str, int] = {}
    for deposit in (d for d in deposits if d["Activo"]):
        page, total_pages = 1, 1
        while page <= total_pages:
            params = {"id": deposit["Id"], "page": page, "pageSize": 10}  # pageSize is ignored: fixed 50
            body = api.get(cb.url("/api/inventarios/getStockByDeposito"), params=params, timeout=10).json()
            assert len(body["Items"]) == 50 or page == body["TotalPage"]
            total_pages = body["TotalPage"]
            for row in body["Items"]:
                assert row["StockConReservas"] == row["StockActual"] - row["StockReservado"]
                per_sku[row["Codigo"]] = per_sku.get(row["Codigo"], 0) + row["StockConReservas"]
            page += 1
    assert SERVICE_CODE not in per_sku and per_sku[NO_STOCK_CODE] == 0
    sku = api.get(cb.url("/api/inventarios/getStockBySKU"), params={"codigo": "SKU-0001"}, timeout=10).json()
    assert 2 <= len(sku["stock"]) <= 3 and sku["StockConReservas"] == per_sku["SKU-0001"]
    assert sum(s["StockConReservas"] for s in sku["stock"]) == sku["StockConReservas"]
    assert {k: sum(v.values()) for k, v in cb.inspect_get("stock").items()} == per_sku


def test_catalogs_price_lists_points_of_sale_conditions(cb: SandboxHandle, api: requests.Session) -> None:
    lists = api.get(cb.url("/api/listasDePrecio/search"), timeout=10).json()["Items"]
    assert [p["Nombre"] for p in lists] == ["Mayorista", "Jumpseller"]
    items = api.get(cb.url("/api/listasDePrecio/getById"), params={"id": 2202, "pageSize": 50}, timeout=10).json()
    assert set(items["Items"][0]) == {"Codigo", "Precio", "PrecioFinal"} and items["TotalPage"] == 2
    points = api.get(cb.url("/api/puntosdeventa/search"), timeout=10).json()
    assert points[0] == {"Id": 59419, "Nombre": "0003 - Tienda online", "Activo": True}
    conditions = api.get(cb.url("/api/usuarios/condicionesVenta"), timeout=10).json()
    assert [c["Nombre"] for c in conditions] == ["Contado", "Cuenta Corriente", "MercadoPago", "Otro"]
    assert api.get(cb.url("/api/usuarios/obtenerinfo"), timeout=10).json()["CondicionIVA"] == "RI"


def test_clients_search_create_and_duplicate(cb: SandboxHandle, api: requests.Session) -> None:
    known = client_with(cb, "RI")
    by_doc = api.get(cb.url("/api/clientes/GetClientByDoc"), params={"tipoDoc": "CUIT", "nroDoc": known["NroDoc"]})
    assert [c["Id"] for c in by_doc.json()] == [known["Id"]]
    by_mail = api.get(cb.url("/api/clientes/search"), params={"filtro": known["Email"]}, timeout=10).json()
    assert [c["Id"] for c in by_mail["Items"]] == [known["Id"]]
    body = {"Id": 0, "RazonSocial": "Juan Pérez", "CondicionIva": "CF", "TipoDoc": "DNI", "NroDoc": "38566200",
            "Email": "juan@correo.com.ar", "Personeria": "F"}  # fmt: skip
    created = api.post(cb.url("/api/clientes"), json=body, timeout=10)
    assert created.status_code == 200 and isinstance(created.json(), int)
    assert api.get(cb.url(f"/api/clientes/{created.json()}"), timeout=10).json()["RazonSocial"] == "Juan Pérez"
    again = api.post(cb.url("/api/clientes"), json=body, timeout=10)
    assert again.status_code == 500 and again.json() == {"Message": "El cliente ya se encuentra registrado"}
    ri_with_dni = api.post(cb.url("/api/clientes"), json={**body, "NroDoc": "30111222", "CondicionIva": "RI"})
    assert ri_with_dni.status_code == 400 and "CUIT" in ri_with_dni.json()["Message"]


@pytest.mark.parametrize(("tipo", "iva"), [("FCB", "CF"), ("FB", "CF"), ("FCA", "RI"), ("FA", "MO")])
def test_both_invoice_type_forms_are_accepted(cb: SandboxHandle, api: requests.Session, tipo: str, iva: str) -> None:
    before = cb.store.stock[(31293, cb.store.product_by_code("SKU-0001")["Id"])]["StockActual"]
    draft = api.post(cb.url("/api/comprobantes/crear"), json=invoice(cb, tipo, iva), timeout=10)
    assert draft.status_code == 200 and isinstance(draft.json(), int)
    stored = api.get(cb.url(f"/api/comprobantes/{draft.json()}"), timeout=10).json()
    assert (stored["TipoFc"], stored["Cae"], stored["Numero"]) == (tipo, None, None)
    assert (stored["ImporteNeto"], stored["ImporteIva"], stored["ImporteTotal"]) == (2500.0, 525.0, 3025.0)
    emitted = api.get(cb.url("/api/comprobantes/emitirFE"), params={"id": draft.json()}, timeout=10).json()
    assert set(emitted) == {"idComprobante", "cae", "numero", "url", "fechaVto", "errores"}
    assert len(emitted["cae"]) == 14 and emitted["numero"].startswith("0003-") and emitted["errores"] == ""
    after = cb.store.stock[(31293, cb.store.product_by_code("SKU-0001")["Id"])]["StockActual"]
    assert after == before - 2  # the shipping line moves no stock
    twice = api.get(cb.url("/api/comprobantes/emitirFE"), params={"id": draft.json()}, timeout=10)
    assert twice.status_code == 400 and twice.json()["Message"]


def test_invoice_refusals_name_the_problem(cb: SandboxHandle, api: requests.Session) -> None:
    cases = [
        (invoice(cb, "FCA", "CF"), "debe ser factura B"),
        (invoice(cb, "FCC", "RI"), "debe ser factura A"),
        (invoice(cb, "FX"), "tipo de comprobante"),
        (invoice(cb, "FCB", CondicionVenta="Trueque"), "condición de venta"),
        (invoice(cb, "FCB", PuntoVenta=59421), "punto de venta"),
        (invoice(cb, "FCB", Items=[]), "al menos un item"),
    ]
    for body, text in cases:
        refused = api.post(cb.url("/api/comprobantes/crear"), json=body, timeout=10)
        assert refused.status_code == 400 and text in refused.json()["Message"], refused.text


def test_one_step_emission_email_and_search(cb: SandboxHandle, api: requests.Session) -> None:
    body = invoice(cb, "FCB", RefExterna="JS-9001", Observaciones="Venta web #9001", Pagos=None)
    answer = api.post(cb.url("/api/comprobantes/emitirFECobrada"), json=body, timeout=10).json()
    assert answer["cae"] and answer["errores"] == ""
    found = api.get(cb.url("/api/comprobantes/search"), params={"filtro": "JS-9001"}, timeout=10).json()
    assert [i["Id"] for i in found["Items"]] == [answer["idComprobante"]]
    mail = {"IdComprobante": answer["idComprobante"], "Email": "juan@correo.com.ar"}
    sent = api.post(cb.url("/api/comprobantes/enviarMail"), json=mail, timeout=10)
    assert sent.status_code == 200 and sent.json() is True
    emails = cb.inspect_get("emails")
    assert emails[-1]["IdComprobante"] == answer["idComprobante"] and emails[-1]["Numero"] == answer["numero"]
    draft = api.post(cb.url("/api/comprobantes/crear"), json=invoice(cb, "FCB"), timeout=10).json()
    refused = api.post(cb.url("/api/comprobantes/enviarMail"), json={**mail, "IdComprobante": draft}, timeout=10)
    assert refused.status_code == 400 and len(cb.inspect_get("emails")) == len(emails)
    unknown = api.post(cb.url("/api/comprobantes/enviarMail"), json={**mail, "IdComprobante": 1}, timeout=10)
    assert unknown.status_code == 404
    assert any(i["Id"] == draft and i["Estado"] == "Borrador" for i in cb.inspect_get("invoices"))


def test_rate_budget_answers_429_with_retry_after() -> None:
    with run_contabilium_sandbox(rate_limits=((3, 10.0),)) as sandbox:
        statuses = [requests.post(sandbox.url("/token"), data=FORM, timeout=10).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = requests.get(sandbox.url("/api/conceptos/search"), timeout=10)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert "Message" in limited.json() and sandbox.counters()["rate_limited"] == 2
    with run_contabilium_sandbox() as default:
        assert default.counters()["rate_limits"] == [[30, 10.0]]
