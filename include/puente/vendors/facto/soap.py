"""Facto's SOAP 1.1 rpc/encoded wire format with the stdlib: build ``emitirDocumento``, read the answer.

Why hand-written instead of zeep/suds: Facto has exactly one operation with a fixed, documented
shape (see ../shared/vendor-apis/facto.md and Facto's "API SOAP" rev. 34), and a SOAP stack
would be a new dependency that also fetches the WSDL at run time. Pure functions, so the envelope
and the parser are testable without a server; the hook (:mod:`puente.vendors.facto.hook`) only sends.

Request: ``documento`` (type ``urn:emitir_dte``) with ``opciones``, ``encabezado``, ``detalles``
(repeated ``detalle``), ``referencias`` (``referencia``), ``descuentorecargoglobales``
(``descuentorecargoglobal``) and ``totales``; text escaped with ``xml.sax.saxutils.escape``
(``& < >``, as Facto asks). Response: ``emitirDocumentoResponse/return`` with ``resultado/status``
0 (sent to the SII), 1 (rejected, nothing created) or 2 (draft, not sent), always HTTP 200.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SERVICE_NS = "urn:server"
OPERATION = "emitirDocumento"
SOAP_ACTION = "https://conexion.facto.cl/documento.php/emitirDocumento"

# Known sections in the order of Facto's examples; unknown keys follow in the caller's order.
SECTION_ORDER = ("opciones", "encabezado", "detalles", "referencias", "descuentorecargoglobales", "totales")
# Container -> item element: a list under these keys becomes <detalles><detalle/>...</detalles>.
LIST_ITEMS = {
    "detalles": "detalle",
    "referencias": "referencia",
    "descuentorecargoglobales": "descuentorecargoglobal",
}
LINK_KEYS = ("dte_xml", "dte_pdf", "dte_pdfcedible", "dte_timbre")
_INT_HEADER_KEYS = ("tipo_dte", "folio")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
# Characters XML 1.0 cannot carry at all (escaping does not help): C0 controls but tab/LF/CR,
# lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INTEGER = re.compile(r"\s*-?\d+(?:\.0*)?\s*\Z")


class SoapParseError(ValueError):
    """The body is not a readable SOAP envelope of the expected shape."""


@dataclass(frozen=True)
class SoapFault:
    """A SOAP 1.1 ``Fault``: ``kind`` is the faultcode's local part without subcodes (``Client``)."""

    code: str
    string: str
    detail: str | None = None

    @property
    def kind(self) -> str:
        return self.code.rpartition(":")[2].split(".")[0]


# ---------------------------------------------------------------------------------- request
def build_envelope(documento: Mapping[str, Any]) -> bytes:
    """The UTF-8 SOAP envelope of ``emitirDocumento(documento)``.

    ``None`` values are left out (Facto then uses its default); ``""`` is sent as an empty element
    (the boleta example sends blank receptor fields). Raises ``ValueError``/``TypeError`` before any
    I/O for names or values XML cannot carry, so a bad document never reaches the vendor.
    """
    if not isinstance(documento, Mapping):
        raise TypeError(f"documento must be a mapping, got {type(documento).__name__}")
    known = [key for key in SECTION_ORDER if key in documento]
    ordered = {key: documento[key] for key in [*known, *(k for k in documento if k not in SECTION_ORDER)]}
    body = _children(ordered, "documento")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}" xmlns:xsi="{XSI_NS}" xmlns:xsd="{XSD_NS}"'
        f' xmlns:urn="{SERVICE_NS}"><soapenv:Header/><soapenv:Body>'
        f'<urn:{OPERATION} soapenv:encodingStyle="{SOAP_ENCODING}">'
        f'<documento xsi:type="urn:emitir_dte">{body}</documento>'
        f"</urn:{OPERATION}></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _children(mapping: Mapping[str, Any], path: str) -> str:
    parts: list[str] = []
    for key, value in mapping.items():
        name = _element_name(key, path)
        where = f"{path}/{name}"
        item = LIST_ITEMS.get(name)
        if item is not None and isinstance(value, Mapping) and item not in value:
            value = [value]  # one line given without its list
        if isinstance(value, list | tuple):
            if item is not None:
                inner = "".join(_element(item, v, f"{where}/{item}[{i}]") for i, v in enumerate(value))
                parts.append(f"<{name}>{inner}</{name}>")
            else:
                parts.extend(_element(name, v, f"{where}[{i}]") for i, v in enumerate(value))
        else:
            parts.append(_element(name, value, where))
    return "".join(parts)


def _element(name: str, value: Any, path: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return f"<{name}>{_children(value, path)}</{name}>"
    return f"<{name}>{escape(_text(value, path))}</{name}>"


def _element_name(key: Any, path: str) -> str:
    if not isinstance(key, str) or not _NAME.match(key) or key.lower().startswith("xml"):
        raise ValueError(f"{path}: {key!r} is not a valid XML element name")
    return key


def _text(value: Any, path: str) -> str:
    """Facto's lexical forms: 1/0 booleans, plain decimals (never ``1E+3``), ``YYYY-MM-DD`` dates."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value!r} is not a number Facto accepts")
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{path}: {value!r} is not a number Facto accepts")
        return format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        bad = _ILLEGAL_XML.search(value)
        if bad:
            raise ValueError(f"{path}: character {bad.group()!r} cannot be sent in XML")
        return value
    raise TypeError(f"{path}: cannot send a {type(value).__name__} to Facto")


# --------------------------------------------------------------------------------- response
def parse_xml(body: bytes) -> ET.Element:
    """Parse a SOAP message; a DTD is refused (SOAP 1.1 §3 forbids it, and it is how entity bombs get in)."""
    if not body or not body.strip():
        raise SoapParseError("empty body")
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise SoapParseError("a SOAP message must not contain a DTD")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapParseError(f"not XML: {exc}") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _body(root: ET.Element) -> ET.Element:
    if _local(root.tag) != "Envelope":
        raise SoapParseError(f"root element is <{_local(root.tag)}>, not a SOAP Envelope")
    for child in root:
        if _local(child.tag) == "Body":
            return child
    raise SoapParseError("SOAP Envelope without a Body")


def find_fault(root: ET.Element) -> SoapFault | None:
    """The envelope's ``Fault`` (its faultcode, faultstring verbatim and detail text), if any."""
    for child in _body(root):
        if _local(child.tag) == "Fault":
            fields = {_local(f.tag): f for f in child}
            detail = fields.get("detail")
            detail_text = "".join(detail.itertext()).strip() if detail is not None else ""
            code = fields.get("faultcode")
            string = fields.get("faultstring")
            return SoapFault(
                code=(code.text or "").strip() if code is not None else "",
                string=(string.text or "") if string is not None else "",
                detail=detail_text or None,
            )
    return None


def fault_in(body: bytes) -> SoapFault | None:
    """``find_fault`` for a raw body; ``None`` when the body is not a SOAP envelope at all."""
    if not body or not body.lstrip().startswith(b"<"):
        return None
    try:
        return find_fault(parse_xml(body))
    except SoapParseError:
        return None


def parse_emission(root: ET.Element) -> dict[str, Any]:
    """``emitirDocumentoResponse/return`` as a dict (see :class:`puente.vendors.facto.hook.FactoHook`).

    Only numbers Facto documents as integers are converted (``status``, ``tipo_dte``, ``folio``,
    totals); every other leaf stays the vendor's text (a RUT or an external id like "0012" must
    not become a number). Empty leaves are ``None``.
    """
    body = _body(root)
    response = next(iter(body), None)
    ret = next((c for c in response if _local(c.tag) == "return"), None) if response is not None else None
    if ret is None:
        raise SoapParseError("no emitirDocumentoResponse/return in the SOAP Body")
    data = _value(ret)
    if not isinstance(data, dict):
        raise SoapParseError("emitirDocumentoResponse/return is empty")
    resultado = data.get("resultado") if isinstance(data.get("resultado"), dict) else {}
    status = _as_int(resultado.get("status"))
    if not isinstance(status, int):
        raise SoapParseError(f"resultado/status is {resultado.get('status')!r}, not a number")
    encabezado = dict(data.get("encabezado") or {})
    for key in _INT_HEADER_KEYS:
        encabezado[key] = _as_int(encabezado.get(key))
    enlaces = data.get("enlaces") if isinstance(data.get("enlaces"), dict) else {}
    totales = data.get("totales") if isinstance(data.get("totales"), dict) else {}
    return {
        "status": status,
        "mensaje_error": resultado.get("mensaje_error"),
        "encabezado": encabezado,
        "detalles": _detail_list(data.get("detalles")),
        "totales": {key: _as_int(value) for key, value in totales.items()},
        "enlaces": {**{key: None for key in LINK_KEYS}, **enlaces},
    }


def _value(element: ET.Element) -> Any:
    """Leaf -> its text (``None`` when blank or ``xsi:nil``); parent -> dict; repeated children -> list."""
    children = list(element)
    if not children:
        text = element.text or ""
        if element.get(f"{{{XSI_NS}}}nil") in ("true", "1") or not text.strip():
            return None
        return text
    out: dict[str, Any] = {}
    for child in children:
        key, value = _local(child.tag), _value(child)
        if key in out:
            previous = out[key]
            out[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[key] = value
    return out


def _detail_list(detalles: Any) -> list[Any]:
    """The echoed lines as a list: ``<detalles><detalle/>...`` or, as in Facto's examples, flat fields."""
    if detalles is None:
        return []
    if isinstance(detalles, dict) and "detalle" in detalles:
        items = detalles["detalle"]
        return items if isinstance(items, list) else [items]
    return detalles if isinstance(detalles, list) else [detalles]


def _as_int(value: Any) -> Any:
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value.strip().split(".")[0])
    return value


__all__ = [
    "LINK_KEYS",
    "OPERATION",
    "SERVICE_NS",
    "SOAP_ACTION",
    "SoapFault",
    "SoapParseError",
    "build_envelope",
    "fault_in",
    "find_fault",
    "parse_emission",
    "parse_xml",
]
