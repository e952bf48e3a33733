"""SOAP 1.1 envelopes for Facto's ``emitirDocumento`` (rpc/encoded, namespace ``urn:server``).

Parsing is by local name with the stdlib ``xml.etree`` parser: prefixes, ``xsi:type`` attributes
and namespaces on the inner elements vary between clients (the Facto doc's own examples mix
``urn:``-prefixed, ``ns1:``-prefixed and bare elements), and Facto's server (nusoap, judging by
its ``xsd:complexType`` return type and its clients) accepts them all. Text is stripped, so the
doc's blank-boleta example (``<receptor_razon> </receptor_razon>``) reads as empty. Documents
with a DTD are refused (no entity expansion in a test server).

Responses reproduce the doc's examples: ``SOAP-ENV`` envelope, ``ns1:emitirDocumentoResponse``,
``return`` with ``resultado`` (``status``, ``mensaje_error``), ``encabezado``, ``detalles``,
``totales``, ``enlaces``. Each echoed line is a ``<detalle>`` inside ``<detalles>`` (the doc's
single-line example prints the fields directly under ``<detalles>``; a list needs the wrapper).
Faults use nusoap's wording (``XML error parsing SOAP payload ...``, ``Operation '...' is not
defined in the WSDL for this service``) with HTTP 500, as SOAP 1.1 prescribes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "urn:server"
OPERATION = "emitirDocumento"
Fields = dict[str, str]


class SoapFaultError(Exception):
    """A request the SOAP layer cannot even read; answered as a SOAP Fault."""

    def __init__(self, faultstring: str, faultcode: str = "SOAP-ENV:Client") -> None:
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.faultcode = faultcode


@dataclass
class FactoRequest:
    """The ``documento`` parameter, as ordered name -> text maps (lists for repeated blocks)."""

    opciones: Fields = field(default_factory=dict)
    encabezado: Fields = field(default_factory=dict)
    detalles: list[Fields] = field(default_factory=list)
    referencias: list[Fields] = field(default_factory=list)
    descuentos: list[Fields] = field(default_factory=list)
    totales: Fields = field(default_factory=dict)
    present: set[str] = field(default_factory=set)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(parent: ET.Element, name: str) -> ET.Element | None:
    for element in parent:
        if _local(element.tag) == name:
            return element
    return None


def _flat(element: ET.Element | None) -> Fields:
    if element is None:
        return {}
    return {_local(child.tag): (child.text or "").strip() for child in element if len(child) == 0}


def _repeated(element: ET.Element | None, item: str) -> list[Fields]:
    if element is None:
        return []
    items = [_flat(child) for child in element if _local(child.tag) == item]
    if not items and len(element):
        items = [_flat(element)]  # a lone line written without its wrapper
    return items


def parse_request(body: bytes) -> FactoRequest:
    if b"<!DOCTYPE" in body.upper():
        raise SoapFaultError("XML error parsing SOAP payload: DTDs are not allowed")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapFaultError(f"XML error parsing SOAP payload on line {exc.position[0]}: {exc}") from exc
    soap_body = _child(root, "Body") if _local(root.tag) == "Envelope" else None
    if soap_body is None or not len(soap_body):
        raise SoapFaultError("XML error parsing SOAP payload: no SOAP Body")
    call = soap_body[0]
    if _local(call.tag) != OPERATION:
        raise SoapFaultError(f"Operation '{_local(call.tag)}' is not defined in the WSDL for this service")
    documento = _child(call, "documento")
    if documento is None:
        raise SoapFaultError("Parameter 'documento' is missing")
    return FactoRequest(
        opciones=_flat(_child(documento, "opciones")),
        encabezado=_flat(_child(documento, "encabezado")),
        detalles=_repeated(_child(documento, "detalles"), "detalle"),
        referencias=_repeated(_child(documento, "referencias"), "referencia"),
        descuentos=_repeated(_child(documento, "descuentorecargoglobales"), "descuentorecargoglobal"),
        totales=_flat(_child(documento, "totales")),
        present={_local(child.tag) for child in documento},
    )


def _elements(fields: Fields | dict[str, object]) -> str:
    return "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())


def _envelope(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
        f'xmlns:SOAP-ENV="{ENVELOPE_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">'
        f"<SOAP-ENV:Body>{inner}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )


def response_xml(
    status: int,
    message: str | None,
    encabezado: Fields | dict[str, object],
    detalles: list[Fields],
    totales: Fields | dict[str, object],
    enlaces: dict[str, str],
) -> str:
    resultado = f"<status>{status}</status>"
    if message:
        resultado += f"<mensaje_error>{escape(message)}</mensaje_error>"
    lines = "".join(f"<detalle>{_elements(line)}</detalle>" for line in detalles)
    inner = (
        f'<ns1:emitirDocumentoResponse xmlns:ns1="{SERVICE_NS}"><return xsi:type="xsd:complexType">'
        f"<resultado>{resultado}</resultado><encabezado>{_elements(encabezado)}</encabezado>"
        f"<detalles>{lines}</detalles><totales>{_elements(totales)}</totales>"
        f"<enlaces>{_elements(enlaces)}</enlaces></return></ns1:emitirDocumentoResponse>"
    )
    return _envelope(inner)


def fault_xml(faultstring: str, faultcode: str = "SOAP-ENV:Server") -> str:
    return _envelope(
        f"<SOAP-ENV:Fault><faultcode>{escape(faultcode)}</faultcode>"
        f"<faultstring>{escape(faultstring)}</faultstring></SOAP-ENV:Fault>"
    )
