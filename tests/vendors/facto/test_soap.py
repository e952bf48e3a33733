"""Facto's SOAP codec on its own: the envelope we send and the answers we read (no server)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from puente.vendors.facto.soap import (
    SERVICE_NS,
    SOAP_ENV_NS,
    SoapParseError,
    build_envelope,
    fault_in,
    parse_emission,
    parse_xml,
)

FACTURA = {
    "totales": {"total_exento": 0, "total_afecto": 1000, "total_iva": 190, "total_final": 1190},
    "encabezado": {
        "tipo_dte": 33,
        "fecha_emision": date(2024, 6, 3),
        "receptor_rut": "12345678-5",
        "receptor_razon": "Tornillos & Tuercas <Ltda>",
        "receptor_giro": None,  # left out
        "receptor_telefono": "",  # sent empty
        "condiciones_pago": "0",
    },
    "detalles": [
        {"cantidad": Decimal("1.5"), "glosa": "M6 > M5", "monto_unitario": 400, "exento_afecto": True},
        {"cantidad": 0.0000001, "glosa": "Tuerca", "monto_unitario": 400, "exento_afecto": False},
    ],
    "referencias": {"docreferencia_tipo": 801, "docreferencia_folio": "OC-1", "codigo_referencia": 1},
}


def _documento(envelope: bytes) -> ET.Element:
    root = ET.fromstring(envelope)
    operation = root.find(f"{{{SOAP_ENV_NS}}}Body/{{{SERVICE_NS}}}emitirDocumento")
    assert operation is not None
    assert operation.get(f"{{{SOAP_ENV_NS}}}encodingStyle") == "http://schemas.xmlsoap.org/soap/encoding/"
    documento = operation.find("documento")
    assert documento is not None
    return documento


def test_envelope_shape_escaping_and_lexical_forms() -> None:
    envelope = build_envelope(FACTURA)
    assert b"Tornillos &amp; Tuercas &lt;Ltda&gt;" in envelope and b"M6 &gt; M5" in envelope
    documento = _documento(envelope)
    assert [child.tag for child in documento] == ["encabezado", "detalles", "referencias", "totales"]
    header = documento.find("encabezado")
    assert header.findtext("receptor_razon") == "Tornillos & Tuercas <Ltda>"  # round-trips
    assert header.findtext("fecha_emision") == "2024-06-03"
    assert header.find("receptor_giro") is None and header.findtext("receptor_telefono") == ""
    lines = documento.findall("detalles/detalle")
    assert [line.findtext("cantidad") for line in lines] == ["1.5", "0.0000001"]  # never 1e-07
    assert [line.findtext("exento_afecto") for line in lines] == ["1", "0"]
    assert documento.findtext("referencias/referencia/docreferencia_folio") == "OC-1"  # one dict -> one item


@pytest.mark.parametrize(
    ("documento", "error"),
    [
        ({"encabezado": {"bad name": 1}}, ValueError),
        ({"encabezado": {"glosa": "bell\x07"}}, ValueError),
        ({"totales": {"total_final": float("nan")}}, ValueError),
        ({"totales": {"total_final": object()}}, TypeError),
        ([("encabezado", {})], TypeError),
    ],
)
def test_envelope_refuses_what_xml_cannot_carry(documento, error) -> None:
    with pytest.raises(error):
        build_envelope(documento)


def _response(inner: str) -> bytes:
    return (
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV_NS}"><SOAP-ENV:Body>'
        f'<ns1:emitirDocumentoResponse xmlns:ns1="urn:server"><return>{inner}</return>'
        "</ns1:emitirDocumentoResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def test_parse_success_as_in_facto_docs() -> None:
    body = _response(
        "<resultado><status>0</status></resultado>"
        "<encabezado><tipo_dte>33</tipo_dte><folio>4033</folio><identificador_externo_doc>0012"
        "</identificador_externo_doc><receptor_rut>12345678-5</receptor_rut></encabezado>"
        "<detalles><cantidad>1</cantidad><glosa>Prueba &amp; co</glosa></detalles>"  # flat, as in the doc
        "<totales><total_afecto>1000</total_afecto><total_final>1190</total_final></totales>"
        "<enlaces><dte_pdf>https://descarga.facto.cl/x.pdf</dte_pdf><dte_xml></dte_xml></enlaces>"
    )
    result = parse_emission(parse_xml(body))
    assert result["status"] == 0 and result["mensaje_error"] is None
    assert result["encabezado"]["folio"] == 4033 and result["encabezado"]["tipo_dte"] == 33
    assert result["encabezado"]["identificador_externo_doc"] == "0012"  # external ids stay text
    assert result["detalles"] == [{"cantidad": "1", "glosa": "Prueba & co"}]
    assert result["totales"] == {"total_afecto": 1000, "total_final": 1190}
    assert result["enlaces"] == {
        "dte_xml": None,
        "dte_pdf": "https://descarga.facto.cl/x.pdf",
        "dte_pdfcedible": None,
        "dte_timbre": None,
    }


def test_parse_keeps_the_message_verbatim_and_lists_repeated_lines() -> None:
    message = "Total Neto (2000) no coincide con suma de detalles netos (1000) "
    body = _response(
        f"<resultado><status>1</status><mensaje_error>{message}</mensaje_error></resultado>"
        "<detalles><detalle><glosa>a</glosa></detalle><detalle><glosa>b</glosa></detalle></detalles>"
    )
    result = parse_emission(parse_xml(body))
    assert result["status"] == 1 and result["mensaje_error"] == message
    assert result["encabezado"] == {"tipo_dte": None, "folio": None}
    assert [line["glosa"] for line in result["detalles"]] == ["a", "b"]


def test_faults_and_unreadable_bodies() -> None:
    fault = (
        f'<s:Envelope xmlns:s="{SOAP_ENV_NS}"><s:Body><s:Fault><faultcode>s:Client.Auth</faultcode>'
        "<faultstring>Usuario o clave incorrectos</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()
    found = fault_in(fault)
    assert found is not None and found.kind == "Client" and found.string == "Usuario o clave incorrectos"
    assert fault_in(_response("<resultado><status>0</status></resultado>")) is None
    assert fault_in(b'{"error": "json"}') is None and fault_in(b"") is None
    for body in (b"<html>proxy</html>", b"<a>", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', _response("")):
        with pytest.raises(SoapParseError):
            parse_emission(parse_xml(body))
    with pytest.raises(SoapParseError):
        parse_emission(parse_xml(_response("<resultado><status>ok</status></resultado>")))
