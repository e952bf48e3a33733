"""Facto SOAP sandbox over real HTTP: WSDL, auth, validation, folios, drafts, no idempotency, faults."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
import requests

from puente_sandbox import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER, SandboxHandle
from puente_sandbox.facto.client import emitir, envelope, parse_response

NETO_ERROR = "Total Neto (2000) no coincide con suma de detalles netos (1000)"
FINAL_ERROR = "Total Final (1000) no coincide con total calculado (1190)"
RUT_ERROR = "RUT receptor no válido ({}), formato NNNNNNNN-X sin puntos"
DATE_ERROR = "Fecha de emisión no válida (01-06-2024), formato YYYY-MM-DD"
RECEPTOR = {
    "receptor_rut": "76543210-3",
    "receptor_razon": "Comercial Los Andes SpA",
    "receptor_direccion": "Av. Providencia 1234",
    "receptor_comuna": "Providencia",
    "receptor_ciudad": "Santiago",
    "receptor_telefono": "912345678",
    "receptor_giro": "Comercio al por mayor",
}
LINE = {"cantidad": 1, "unidad": "UN", "glosa": "Polera <Andina> & Co", "monto_unitario": 1000, "exento_afecto": 1}
TOTALS = {"total_exento": 0, "total_afecto": 1000, "total_iva": 190, "total_final": 1190}


def factura(**header: Any) -> dict[str, Any]:
    return {"tipo_dte": 33, "fecha_emision": "2024-06-01", **RECEPTOR, "condiciones_pago": "0", **header}


def call(sandbox: SandboxHandle, body: bytes) -> tuple[int, dict[str, Any]]:
    return emitir(sandbox.client(), sandbox.url("/documento.php"), body)


def test_wsdl_describes_emitir_documento(facto_sandbox: SandboxHandle) -> None:
    response = requests.get(facto_sandbox.url("/documento.php?wsdl"), timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.get("targetNamespace") == "urn:server"
    assert 'name="emitirDocumento"' in response.text and 'style="rpc"' in response.text
    assert f'location="{facto_sandbox.url("/documento.php")}"' in response.text


@pytest.mark.parametrize("auth", [None, (DEFAULT_FACTO_USER, "0" * 32), ("76543210-3/otro", DEFAULT_FACTO_KEY)])
def test_bad_auth_is_401(facto_sandbox: SandboxHandle, auth: tuple[str, str] | None) -> None:
    body = envelope(factura(), [LINE], TOTALS)
    response = requests.post(facto_sandbox.url("/documento.php"), data=body, auth=auth, timeout=10)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Basic")
    assert parse_response(response.content)["fault"] == "Unauthorized"
    assert facto_sandbox.inspect_get("documents") == []


def test_factura_is_emitted_with_folio_echo_and_links(facto_sandbox: SandboxHandle) -> None:
    status, result = call(facto_sandbox, envelope(factura(identificador_externo_doc="JS-1001"), [LINE], TOTALS))
    assert status == 200 and result["status"] == 0 and result["mensaje_error"] is None
    header = result["encabezado"]
    assert (header["tipo_dte"], header["folio"], header["identificador_externo_doc"]) == ("33", "4001", "JS-1001")
    assert result["detalles"][0]["glosa"] == "Polera <Andina> & Co"
    assert result["totales"] == {"total_exento": "0", "total_afecto": "1000", "total_iva": "190", "total_final": "1190"}
    links = result["enlaces"]
    assert set(links) == {"dte_xml", "dte_pdf", "dte_pdfcedible", "dte_timbre"}
    assert all(url.startswith("https://descarga.facto.sandbox.invalid/2024/06/") for url in links.values())
    [stored] = facto_sandbox.inspect_get("documents")
    assert (stored["folio"], stored["status"], stored["identificador_externo_doc"]) == (4001, 0, "JS-1001")


def test_boleta_with_gross_values(facto_sandbox: SandboxHandle) -> None:
    header = {"tipo_dte": 39, "fecha_emision": "2024-06-01", "condiciones_pago": "0"}
    lines = [{**LINE, "monto_unitario": 9990, "cantidad": 2}, {**LINE, "monto_unitario": 0}]
    gross = {"valores_brutos": 1}
    _, result = call(facto_sandbox, envelope(header, lines, {"total_final": 19980}, opciones=gross))
    assert result["status"] == 0 and result["encabezado"]["folio"] == "12001"
    totals = {"total_exento": "0", "total_afecto": "16790", "total_iva": "3190", "total_final": "19980"}
    assert result["totales"] == totals
    assert result["enlaces"]["dte_pdfcedible"] == ""
    _, wrong = call(facto_sandbox, envelope(header, lines, {"total_final": 19990}, opciones=gross))
    assert wrong["status"] == 1
    assert wrong["mensaje_error"] == "Total Final (19990) no coincide con suma de detalles brutos (19980)"


@pytest.mark.parametrize(
    ("header", "lines", "totals", "message"),
    [
        (factura(), [LINE], {**TOTALS, "total_afecto": 2000}, NETO_ERROR),
        (factura(), [LINE], {**TOTALS, "total_iva": 191}, "Total IVA (191) no coincide con IVA calculado (190)"),
        (factura(), [LINE], {**TOTALS, "total_final": 1000}, FINAL_ERROR),
        (factura(), [LINE], {**TOTALS, "total_final": "1190.5"}, "Total Final (1190.5) debe ser un número entero"),
        (factura(receptor_giro=""), [LINE], TOTALS, "Campo receptor_giro es obligatorio para tipo_dte 33"),
        (factura(receptor_rut="76.543.210-3"), [LINE], TOTALS, RUT_ERROR.format("76.543.210-3")),
        (factura(receptor_rut="76543210-4"), [LINE], TOTALS, RUT_ERROR.format("76543210-4")),
        (factura(condiciones_pago=""), [LINE], TOTALS, "Campo condiciones_pago es obligatorio"),
        (factura(tipo_dte=35), [LINE], TOTALS, "Tipo de documento (tipo_dte) no válido (35)"),
        (factura(fecha_emision="01-06-2024"), [LINE], TOTALS, DATE_ERROR),
        (factura(), [{**LINE, "glosa": ""}], TOTALS, "Detalle 1: glosa es obligatoria"),
        (factura(tipo_dte=61), [LINE], TOTALS, "Documento tipo_dte 61 requiere al menos una referencia"),
    ],
)  # fmt: skip
def test_input_errors_are_status_1_and_create_nothing(
    facto_sandbox: SandboxHandle, header: dict, lines: list, totals: dict, message: str
) -> None:
    status, result = call(facto_sandbox, envelope(header, lines, totals))
    assert (status, result["status"], result["mensaje_error"]) == (200, 1, message)
    assert "folio" not in result["encabezado"] and set(result["enlaces"].values()) == {""}
    assert facto_sandbox.inspect_get("documents") == []


def test_gross_values_only_for_boletas(facto_sandbox: SandboxHandle) -> None:
    _, result = call(facto_sandbox, envelope(factura(), [LINE], TOTALS, opciones={"valores_brutos": 1}))
    assert result["mensaje_error"] == "La opción valores_brutos sólo es válida para boletas electrónicas (tipo_dte 39)"


def test_credit_note_with_reference_and_exempt_lines(facto_sandbox: SandboxHandle) -> None:
    reference = {"docreferencia_tipo": 33, "docreferencia_folio": "4001", "codigo_referencia": 1}
    reference["descripcion"] = "Anula"
    lines = [LINE, {**LINE, "exento_afecto": 0, "monto_unitario": 500}]
    totals = {"total_exento": 500, "total_afecto": 1000, "total_iva": 190, "total_final": 1690}
    _, result = call(facto_sandbox, envelope(factura(tipo_dte=61), lines, totals, referencias=[reference]))
    assert (result["status"], result["encabezado"]["folio"]) == (0, "1001")
    assert facto_sandbox.inspect_get("documents")[0]["referencias"][0]["docreferencia_folio"] == "4001"


def test_no_idempotency_same_external_id_twice_is_two_documents(facto_sandbox: SandboxHandle) -> None:
    body = envelope(factura(identificador_externo_doc="JS-1001"), [LINE], TOTALS)
    folios = [call(facto_sandbox, body)[1]["encabezado"]["folio"] for _ in range(2)]
    assert folios == ["4001", "4002"]
    stored = facto_sandbox.inspect_get("documents")
    assert [d["identificador_externo_doc"] for d in stored] == ["JS-1001", "JS-1001"]


def test_draft_knob_answers_status_2_and_keeps_the_document(facto_sandbox: SandboxHandle) -> None:
    assert facto_sandbox.inspect_post("draft", {"enabled": True})["enabled"] is True
    _, result = call(facto_sandbox, envelope(factura(), [LINE], TOTALS))
    assert result["status"] == 2 and result["mensaje_error"].startswith("Documento generado pero no fue posible")
    assert result["encabezado"]["folio"] == "4001" and result["enlaces"]["dte_pdf"]
    facto_sandbox.inspect_post("draft", {"enabled": False})
    _, sent = call(facto_sandbox, envelope(factura(), [LINE], TOTALS))
    assert sent["status"] == 0
    assert [d["status"] for d in facto_sandbox.inspect_get("documents")] == [2, 0]


def test_unreadable_envelopes_are_soap_faults(facto_sandbox: SandboxHandle) -> None:
    api, url = facto_sandbox.client(), facto_sandbox.url("/documento.php")
    broken = api.post(url, data=b"<soapenv:Envelope", timeout=10)
    assert broken.status_code == 500 and "XML error parsing SOAP payload" in parse_response(broken.content)["fault"]
    other = envelope(factura(), [LINE], TOTALS).replace(b"emitirDocumento>", b"anularDocumento>")
    wrong = api.post(url, data=other, timeout=10)
    assert parse_response(wrong.content)["fault"] == (
        "Operation 'anularDocumento' is not defined in the WSDL for this service"
    )


def test_faults_apply_and_a_lost_response_still_creates_the_document(facto_sandbox: SandboxHandle) -> None:
    facto_sandbox.set_faults(lost_response_rate=1.0)
    status, result = call(facto_sandbox, envelope(factura(identificador_externo_doc="JS-5"), [LINE], TOTALS))
    assert status == 500 and result["fault"] == "Internal Server Error"
    facto_sandbox.set_faults(rate_5xx=1.0)
    assert call(facto_sandbox, envelope(factura(), [LINE], TOTALS))[0] == 500
    facto_sandbox.clear_faults()
    assert [d["identificador_externo_doc"] for d in facto_sandbox.inspect_get("documents")] == ["JS-5"]
    assert facto_sandbox.counters()["faults_injected"]["lost_response"] == 1
