"""A minimal reference client for the Facto sandbox, for tests and benchmarks (not the product's).

``envelope(...)`` writes an ``emitirDocumento`` call the way Facto's doc examples do (``urn:``
prefixed operation, bare inner elements, XML-escaped text); ``parse_response`` reads the answer
into plain dicts: ``{"status": 0, "mensaje_error": None, "encabezado": {...}, "detalles": [...],
"totales": {...}, "enlaces": {...}}``, or ``{"fault": "...", "faultcode": "..."}`` for a Fault.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import requests

SOAP_ACTION = "https://conexion.facto.cl/documento.php/emitirDocumento"  # as a public client sends it


def _block(name: str, fields: Mapping[str, Any]) -> str:
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items() if v is not None)
    return f"<{name}>{inner}</{name}>"


def envelope(
    encabezado: Mapping[str, Any],
    detalles: Sequence[Mapping[str, Any]],
    totales: Mapping[str, Any],
    *,
    opciones: Mapping[str, Any] | None = None,
    referencias: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    parts = [_block("opciones", opciones)] if opciones else []
    parts.append(_block("encabezado", encabezado))
    parts.append("<detalles>" + "".join(_block("detalle", d) for d in detalles) + "</detalles>")
    if referencias:
        parts.append("<referencias>" + "".join(_block("referencia", r) for r in referencias) + "</referencias>")
    parts.append(_block("totales", totales))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:server">'
        "<soapenv:Header/><soapenv:Body><urn:emitirDocumento><documento>"
        + "".join(parts)
        + "</documento></urn:emitirDocumento></soapenv:Body></soapenv:Envelope>"
    ).encode("utf-8")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _fields(element: ET.Element | None) -> dict[str, str]:
    return {} if element is None else {_local(c.tag): (c.text or "") for c in element if len(c) == 0}


def parse_response(body: str | bytes) -> dict[str, Any]:
    root = ET.fromstring(body)
    fault = _find(root, "Fault")
    if fault is not None:
        return {"fault": _fields(fault).get("faultstring"), "faultcode": _fields(fault).get("faultcode")}
    result = _fields(_find(root, "resultado"))
    detalles = _find(root, "detalles")
    return {
        "status": int(result["status"]),
        "mensaje_error": result.get("mensaje_error"),
        "encabezado": _fields(_find(root, "encabezado")),
        "detalles": [] if detalles is None else [_fields(d) for d in detalles],
        "totales": _fields(_find(root, "totales")),
        "enlaces": _fields(_find(root, "enlaces")),
    }


def emitir(session: requests.Session, url: str, body: bytes, timeout: float = 10.0) -> tuple[int, dict[str, Any]]:
    """POST one call; ``(http_status, parsed)``. ``session`` carries the Basic credentials."""
    response = session.post(
        url,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": SOAP_ACTION},
        timeout=timeout,
    )
    return response.status_code, parse_response(response.content)
