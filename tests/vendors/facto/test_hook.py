"""FactoHook against the Facto SOAP sandbox (a real server on loopback; requests is never mocked)."""

from __future__ import annotations

import base64
import logging
import socket
from datetime import date
from typing import Any

import pytest

from puente.hooks.errors import AuthError, PermanentError, TransientError
from puente.vendors.facto.hook import FactoHook
from puente_sandbox.credentials import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER
from scripted_server import Reply


class FastFacto(FactoHook):
    backoff_base = 0.01
    backoff_max = 0.02
    rate_limit_budgets = ()  # the 2/s default would make a test of several emissions wait


@pytest.fixture
def hook(facto_sandbox, set_conn, limiter) -> FastFacto:
    set_conn(
        "facto_sb", conn_type="facto", host=facto_sandbox.base_url, login=DEFAULT_FACTO_USER, password=DEFAULT_FACTO_KEY
    )
    return FastFacto("facto_sb", limiter=limiter)


def factura(**totales: int) -> dict[str, Any]:
    return {
        "encabezado": {
            "tipo_dte": 33,
            "fecha_emision": date(2024, 6, 3),
            "receptor_rut": "12345678-5",
            "receptor_razon": "Ferretería Tornillos & Tuercas <Ltda>",
            "receptor_direccion": "Alameda 123",
            "receptor_comuna": "Santiago",
            "receptor_ciudad": "Santiago",
            "receptor_telefono": "226001234",
            "receptor_giro": "Comercio",
            "condiciones_pago": "0",
            "identificador_externo_doc": "JS-1026",
        },
        "detalles": [
            {"cantidad": 2, "glosa": "Tornillo M6 <inox> & tuerca", "monto_unitario": 500, "exento_afecto": 1},
            {"cantidad": 1, "glosa": "Despacho", "monto_unitario": 1000, "exento_afecto": 1},
        ],
        "totales": {"total_exento": 0, "total_afecto": 2000, "total_iva": 380, "total_final": 2380, **totales},
    }


BOLETA = {
    "encabezado": {"tipo_dte": 39, "fecha_emision": "2024-06-03", "condiciones_pago": "0"},
    "detalles": [{"cantidad": 1, "glosa": "Agua", "monto_unitario": 1000, "exento_afecto": 1}],
    "totales": {"total_exento": 0, "total_afecto": 1000, "total_iva": 190, "total_final": 1190},
}


def test_emission_parses_folio_totals_and_links(hook, facto_sandbox) -> None:
    result = hook.emit_document(factura())
    stored = facto_sandbox.inspect_get("documents")
    assert len(stored) == 1 and stored[0]["status"] == 0
    assert result["status"] == 0 and result["mensaje_error"] is None
    header = result["encabezado"]
    assert header["folio"] == stored[0]["folio"] and isinstance(header["folio"], int)
    assert header["tipo_dte"] == 33 and header["identificador_externo_doc"] == "JS-1026"
    assert header["receptor_razon"] == "Ferretería Tornillos & Tuercas <Ltda>"  # escaped there, intact back
    assert [line["glosa"] for line in result["detalles"]] == ["Tornillo M6 <inox> & tuerca", "Despacho"]
    assert result["totales"] == {"total_exento": 0, "total_afecto": 2000, "total_iva": 380, "total_final": 2380}
    assert result["enlaces"] == stored[0]["enlaces"]
    assert set(result["enlaces"]) == {"dte_xml", "dte_pdf", "dte_pdfcedible", "dte_timbre"}
    assert all(link.startswith("https://") for link in result["enlaces"].values())

    boleta = hook.emit_document(BOLETA)
    assert boleta["encabezado"]["folio"] != header["folio"] and boleta["encabezado"]["tipo_dte"] == 39
    assert boleta["enlaces"]["dte_pdfcedible"] is None and boleta["enlaces"]["dte_pdf"]  # no cedible copy
    assert hook.calls == 2 and hook.retries == 0


def test_status_1_is_permanent_with_factos_message_verbatim(hook, facto_sandbox) -> None:
    with pytest.raises(PermanentError) as rejected:
        hook.emit_document(factura(total_afecto=3000))
    message = "Total Neto (3000) no coincide con suma de detalles netos (2000)"
    assert rejected.value.vendor_message == message and message in str(rejected.value)
    assert rejected.value.status == 200 and rejected.value.body["status"] == 1
    assert not isinstance(rejected.value, AuthError)
    assert facto_sandbox.inspect_get("documents") == [] and hook.retries == 0


def test_status_2_draft_is_returned_not_raised(hook, facto_sandbox, caplog, capfd) -> None:
    draft = facto_sandbox.inspect_post("draft", {"enabled": True})
    with caplog.at_level(logging.WARNING):
        result = hook.emit_document(factura())
    assert result["status"] == 2 and result["mensaje_error"] == draft["message"]
    assert result["encabezado"]["folio"] == facto_sandbox.inspect_get("documents")[0]["folio"]
    assert result["enlaces"]["dte_pdf"]
    assert "not sent to the SII" in caplog.text + "".join(capfd.readouterr())  # stdlib or Airflow's structlog


@pytest.mark.parametrize("mode", ["error", "drop"])  # a 500 SOAP fault after commit, or a cut connection
def test_lost_response_is_uncertain_and_emits_exactly_once(hook, facto_sandbox, mode) -> None:
    facto_sandbox.set_faults(lost_response_rate=1.0, lost_response_mode=mode)
    with pytest.raises(TransientError) as caught:
        hook.emit_document(factura())
    assert caught.value.uncertain is True and hook.retries == 0 and hook.calls == 1
    assert len(facto_sandbox.writes()) == 1
    assert len(facto_sandbox.inspect_get("documents")) == 1  # committed once; a person must reconcile it


def test_soap_faults_become_typed_errors_with_the_faultstring(hook, facto_sandbox) -> None:
    facto_sandbox.set_faults(rate_5xx=1.0)  # refused before running: a Server fault, still uncertain
    with pytest.raises(TransientError) as server:
        hook.emit_document(factura())
    assert server.value.uncertain and server.value.vendor_message == "Internal Server Error"
    assert server.value.status == 500 and hook.retries == 0
    facto_sandbox.clear_faults()
    with pytest.raises(PermanentError) as client:  # an envelope Facto cannot read: a Client fault
        hook.request("POST", "/documento.php", data=b"<soapenv:Envelope>", headers=hook.soap_headers())
    assert client.value.status == 500 and not isinstance(client.value, TransientError)
    assert client.value.vendor_message.startswith("XML error parsing SOAP payload")
    assert facto_sandbox.inspect_get("documents") == []


def test_invalid_documents_fail_before_sending(hook) -> None:
    with pytest.raises(ValueError):
        hook.emit_document({"encabezado": {"glosa": "bell\x07"}})
    assert hook.calls == 0


def test_refused_connection_is_retried_because_nothing_was_sent(set_conn, limiter) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_conn("facto_down", conn_type="facto", host=f"http://127.0.0.1:{port}", login="u/x", password="k" * 32)
    hook = FastFacto("facto_down", limiter=limiter)
    with pytest.raises(TransientError) as caught:
        hook.emit_document(BOLETA)
    assert caught.value.uncertain is False and hook.calls == hook.max_attempts


def test_bad_credentials_and_no_secret_anywhere(facto_sandbox, set_conn, limiter, caplog, capfd) -> None:
    wrong_key = "0123456789abcdef0123456789abcdef"
    set_conn("facto_bad", conn_type="facto", host=facto_sandbox.base_url, login=DEFAULT_FACTO_USER, password=wrong_key)
    set_conn(
        "facto_sb_for_secrets",
        conn_type="facto",
        host=facto_sandbox.base_url,
        login=DEFAULT_FACTO_USER,
        password=DEFAULT_FACTO_KEY,
    )
    bad = FastFacto("facto_bad", limiter=limiter)
    basic = base64.b64encode(f"{DEFAULT_FACTO_USER}:{wrong_key}".encode()).decode()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as denied:
        bad.emit_document(factura())
    assert denied.value.status == 401 and denied.value.vendor_message == "Unauthorized"
    ok, message = bad.test_connection()  # the WSDL is served without auth; the probe POST is not
    assert not ok and "401" in message
    facto_sandbox.set_faults(lost_response_rate=1.0)
    good = FastFacto("facto_sb_for_secrets", limiter=limiter)
    with pytest.raises(TransientError) as lost:
        good.emit_document(factura())
    assert facto_sandbox.inspect_get("documents") != []  # the good key got through
    logs = caplog.text + "".join(capfd.readouterr())
    for text in (str(denied.value), repr(denied.value.body), str(lost.value), repr(lost.value.body), message, logs):
        for secret in (wrong_key, basic, DEFAULT_FACTO_KEY):
            assert secret not in text


def test_connection_reads_the_wsdl_and_proves_the_key_without_emitting(hook, facto_sandbox, set_conn, limiter):
    ok, message = hook.test_connection()
    assert ok and "API key accepted" in message
    assert facto_sandbox.inspect_get("documents") == []  # the probe calls no operation Facto has
    set_conn("facto_elsewhere", conn_type="facto", host=f"{facto_sandbox.base_url}/nope", login="u/x", password="k")
    ok, message = FastFacto("facto_elsewhere", limiter=limiter).test_connection()
    assert not ok and "404" in message


def test_default_policy() -> None:
    assert FactoHook.rate_limit_budgets == ((2, 1.0), (60, 60.0))
    assert FactoHook.default_timeout == (10.0, 120.0)
    assert FactoHook.default_host == "https://conexion.facto.cl"
    assert (FactoHook.conn_type, FactoHook.conn_name_attr, FactoHook.default_conn_name) == (
        "facto",
        "facto_conn_id",
        "facto_default",
    )


def test_wire_format_headers_and_auth(server, set_conn, limiter) -> None:
    """What the sandbox does not record: the SOAP headers and Basic auth as Facto's clients send them."""
    answer = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        '<ns1:emitirDocumentoResponse xmlns:ns1="urn:server"><return><resultado><status>0</status></resultado>'
        "<encabezado><folio>7</folio></encabezado></return></ns1:emitirDocumentoResponse></SOAP-ENV:Body>"
        "</SOAP-ENV:Envelope>"
    )
    server.queue(Reply(200, answer))
    set_conn(
        "facto_wire", conn_type="facto", host=server.base_url, login=DEFAULT_FACTO_USER, password=DEFAULT_FACTO_KEY
    )
    result = FastFacto("facto_wire", limiter=limiter).emit_document(BOLETA)
    assert result["encabezado"]["folio"] == 7 and result["enlaces"]["dte_pdf"] is None
    seen = server.seen[0]
    assert (seen.method, seen.path) == ("POST", "/documento.php")
    assert seen.headers["content-type"] == "text/xml; charset=utf-8"
    assert seen.headers["soapaction"] == "https://conexion.facto.cl/documento.php/emitirDocumento"
    basic = base64.b64encode(f"{DEFAULT_FACTO_USER}:{DEFAULT_FACTO_KEY}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {basic}"
    assert seen.body.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "<urn:emitirDocumento" in seen.body
