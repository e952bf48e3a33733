"""The WSDL served at ``GET /documento.php?wsdl``: one rpc/encoded operation, ``emitirDocumento``.

Facto's real WSDL was not available; this one is written from the doc's request and response
tables (rev. 34) in the style nusoap generates (``urn:server`` target namespace, SOAP-encoded
complex types, ``soapAction`` ``<endpoint>/emitirDocumento`` as a public client sends it), so a
WSDL-driven client (zeep, PHP ``SoapClient``) can build calls from it. The endpoint address is
the sandbox's own URL.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

_TYPES = {
    "opciones": ("id_plantilla", "valores_brutos", "redondeo_tipo", "empresa_email", "empresa_web"),
    "encabezado": (
        "tipo_dte", "fecha_emision", "folio", "receptor_nombreinterno", "receptor_rut", "receptor_razon",
        "receptor_direccion", "receptor_comuna", "receptor_ciudad", "receptor_telefono", "receptor_giro",
        "receptor_pais", "condiciones_pago", "receptor_email", "identificador_externo_doc", "tipo_guia",
        "tipo_traslado", "sucursal", "observaciones", "observaciones_despliegue", "vendedor_id",
        "despacho_direccion", "peso_bruto", "id_tipo_moneda", "valor_tipo_cambio", "indicador_servicio",
        "modalidad_venta", "clausula_venta",
    ),
    "detalle": (
        "cantidad", "unidad", "glosa", "descripcionlarga", "sku", "monto_unitario", "exento_afecto",
        "descuentorecargo_monto", "descuentorecargo_porcentaje", "impuesto_codigo", "impuesto_valor",
    ),
    "referencia": (
        "docreferencia_tipo", "docreferencia_folio", "docreferencia_fecha", "codigo_referencia", "descripcion",
    ),
    "descuentorecargoglobal": ("descrec", "valor", "tipovalor", "glosa"),
    "totales": (
        "iva_credito_constructora", "total_exento", "total_afecto", "total_iva", "total_otrosimpuestos",
        "total_final",
    ),
    "resultado": ("status", "mensaje_error"),
    "enlaces": ("dte_xml", "dte_pdf", "dte_pdfcedible", "dte_timbre"),
}  # fmt: skip
_ARRAYS = {"detalles": "detalle", "referencias": "referencia", "descuentorecargoglobales": "descuentorecargoglobal"}
_DOCUMENT = (
    ("opciones", "opciones"), ("encabezado", "encabezado"), ("detalles", "detalles"),
    ("referencias", "referencias"), ("descuentorecargoglobales", "descuentorecargoglobales"), ("totales", "totales"),
)  # fmt: skip
_RESPONSE = (
    ("resultado", "resultado"), ("encabezado", "encabezado"), ("detalles", "detalles"),
    ("totales", "totales"), ("enlaces", "enlaces"),
)  # fmt: skip


def _complex(name: str, members: tuple[tuple[str, str], ...]) -> str:
    elements = "".join(f'<xsd:element name="{m}" type="tns:{t}"/>' for m, t in members)
    return f'<xsd:complexType name="{name}"><xsd:all>{elements}</xsd:all></xsd:complexType>'


def _types() -> str:
    parts = []
    for name, fields in _TYPES.items():
        elements = "".join(f'<xsd:element name="{f}" type="xsd:string" minOccurs="0"/>' for f in fields)
        parts.append(f'<xsd:complexType name="{name}"><xsd:all>{elements}</xsd:all></xsd:complexType>')
    for name, item in _ARRAYS.items():
        parts.append(
            f'<xsd:complexType name="{name}"><xsd:sequence>'
            f'<xsd:element name="{item}" type="tns:{item}" minOccurs="0" maxOccurs="unbounded"/>'
            "</xsd:sequence></xsd:complexType>"
        )
    parts.append(_complex("emitir_dte", _DOCUMENT))
    parts.append(_complex("respuesta_dte", _RESPONSE))
    return "".join(parts)


def wsdl(endpoint: str) -> str:
    location = quoteattr(endpoint)
    action = quoteattr(f"{endpoint}/emitirDocumento")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<definitions xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" '
        'xmlns:tns="urn:server" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns="http://schemas.xmlsoap.org/wsdl/" '
        'targetNamespace="urn:server">'
        f'<types><xsd:schema targetNamespace="urn:server">'
        '<xsd:import namespace="http://schemas.xmlsoap.org/soap/encoding/"/>'
        f"{_types()}</xsd:schema></types>"
        '<message name="emitirDocumentoRequest"><part name="documento" type="tns:emitir_dte"/></message>'
        '<message name="emitirDocumentoResponse"><part name="return" type="tns:respuesta_dte"/></message>'
        '<portType name="serverPortType"><operation name="emitirDocumento">'
        '<input message="tns:emitirDocumentoRequest"/><output message="tns:emitirDocumentoResponse"/>'
        "</operation></portType>"
        '<binding name="serverBinding" type="tns:serverPortType">'
        '<soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f'<operation name="emitirDocumento"><soap:operation soapAction={action} style="rpc"/>'
        '<input><soap:body use="encoded" namespace="urn:server" '
        'encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></input>'
        '<output><soap:body use="encoded" namespace="urn:server" '
        'encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></output>'
        "</operation></binding>"
        f'<service name="server"><port name="serverPort" binding="tns:serverBinding">'
        f"<soap:address location={location}/></port></service>"
        "</definitions>"
    )
