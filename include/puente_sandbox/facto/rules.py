"""Facto's input checks for ``emitirDocumento`` (status 1 = input error, nothing created).

From Facto's API doc (rev. 34): allowed ``tipo_dte``; ``fecha_emision`` (YYYY-MM-DD) and
``condiciones_pago`` required; receptor data (``receptor_rut, receptor_razon, receptor_direccion,
receptor_comuna, receptor_ciudad, receptor_telefono, receptor_giro``) required for 33, 34, 56 and
61, with the RUT as ``NNNNNNNN-X`` (no dots); at least one ``detalle`` with ``cantidad``,
``glosa``, ``monto_unitario`` and ``exento_afecto``; ``valores_brutos`` only for boletas (39);
totals are CLP integers that must match the lines. Only the totals message is published
(``Total Neto (2000) no coincide con suma de detalles netos (1000)``); the other messages are
written in the same style (inferred), checked in the order listed here, first failure wins.

Totals (``redondeo_tipo`` "neto", the default): each line is round(cantidad * monto_unitario),
then ``descuentorecargo_porcentaje`` (line * (1 + %/100)) or ``descuentorecargo_monto`` (added;
negative = discount), rounded half up to the peso; ``total_afecto`` / ``total_exento`` are the sums
of ``exento_afecto`` 1 / 0 lines (after global ``DA/RA`` / ``DE/RE`` discounts/surcharges),
``total_iva`` = round(afecto * 19 %), ``total_final`` = afecto + iva + exento +
``total_otrosimpuestos`` (taken as sent: additional-tax codes are not modelled). With
``redondeo_tipo`` "bruto" the IVA is the sum of each afecto line's gross minus the net. With
``valores_brutos`` (39 only) lines are gross, only ``total_final`` is required and must equal the
sum of the lines; the net is round(gross afecto / 1.19) and the IVA the rest. 34 and 41 take only
exempt lines, 56 and 61 need a ``referencia`` (inferred). Zero totals are not refused: the doc has
no rule on zero-value lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from puente_sandbox import rut
from puente_sandbox.facto.soap import FactoRequest

TIPOS_DTE = frozenset({33, 34, 39, 41, 52, 56, 61, 110, 111, 112})
RECEPTOR_REQUIRED_FOR = frozenset({33, 34, 56, 61})
RECEPTOR_FIELDS = (
    "receptor_rut", "receptor_razon", "receptor_direccion", "receptor_comuna", "receptor_ciudad",
    "receptor_telefono", "receptor_giro",
)  # fmt: skip
EXEMPT_ONLY = frozenset({34, 41})
NEEDS_REFERENCE = frozenset({56, 61})
IVA = Decimal("0.19")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FactoInputError(Exception):
    """Status 1: ``str(exc)`` is the ``mensaje_error``."""


@dataclass(frozen=True)
class Totals:
    total_exento: int
    total_afecto: int
    total_iva: int
    total_otrosimpuestos: int | None
    total_final: int

    def as_fields(self) -> dict[str, int]:
        fields = {"total_exento": self.total_exento, "total_afecto": self.total_afecto, "total_iva": self.total_iva}
        if self.total_otrosimpuestos is not None:
            fields["total_otrosimpuestos"] = self.total_otrosimpuestos
        fields["total_final"] = self.total_final
        return fields


def peso(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _decimal(raw: str | None) -> Decimal | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _integer(totales: dict[str, str], name: str, label: str, *, required: bool) -> int | None:
    raw = totales.get(name, "").strip()
    if raw == "":
        if required:
            raise FactoInputError(f"Campo {name} es obligatorio")
        return None
    value = _decimal(raw)
    if value is None or value != value.to_integral_value():
        raise FactoInputError(f"{label} ({raw}) debe ser un número entero")
    return int(value)


def check_header(request: FactoRequest) -> int:
    """Structure and ``encabezado`` rules; returns ``tipo_dte``."""
    for block in ("encabezado", "detalles", "totales"):
        if block not in request.present:
            raise FactoInputError(f"Estructura de documento inválida: falta <{block}>")
    header = request.encabezado
    raw_tipo = header.get("tipo_dte", "")
    if not raw_tipo.isdigit() or int(raw_tipo) not in TIPOS_DTE:
        raise FactoInputError(f"Tipo de documento (tipo_dte) no válido ({raw_tipo})")
    tipo = int(raw_tipo)
    fecha = header.get("fecha_emision", "")
    if not _DATE.match(fecha):
        raise FactoInputError(f"Fecha de emisión no válida ({fecha}), formato YYYY-MM-DD")
    if not header.get("condiciones_pago", ""):
        raise FactoInputError("Campo condiciones_pago es obligatorio")
    if tipo in RECEPTOR_REQUIRED_FOR:
        for name in RECEPTOR_FIELDS:
            if not header.get(name, ""):
                raise FactoInputError(f"Campo {name} es obligatorio para tipo_dte {tipo}")
    receptor_rut = header.get("receptor_rut", "")
    if receptor_rut and tipo < 110 and not rut.is_strict_valid(receptor_rut):
        raise FactoInputError(f"RUT receptor no válido ({receptor_rut}), formato NNNNNNNN-X sin puntos")
    if header.get("folio", "") and not header["folio"].isdigit():
        raise FactoInputError(f"Folio no válido ({header['folio']})")
    return tipo


def _line_amount(index: int, line: dict[str, str], exempt_only: bool) -> tuple[int, bool]:
    label = f"Detalle {index}"
    quantity, price = _decimal(line.get("cantidad")), _decimal(line.get("monto_unitario"))
    if quantity is None or quantity <= 0:
        raise FactoInputError(f"{label}: cantidad no válida ({line.get('cantidad', '')})")
    if not line.get("glosa", ""):
        raise FactoInputError(f"{label}: glosa es obligatoria")
    if price is None:
        raise FactoInputError(f"{label}: monto_unitario no válido ({line.get('monto_unitario', '')})")
    flag = line.get("exento_afecto", "")
    if flag not in ("0", "1"):
        raise FactoInputError(f"{label}: exento_afecto debe ser 0 o 1")
    if exempt_only and flag == "1":
        raise FactoInputError(f"{label}: un documento exento no puede tener detalles afectos")
    amount, percent = _decimal(line.get("descuentorecargo_monto")), _decimal(line.get("descuentorecargo_porcentaje"))
    if amount is not None and percent is not None:
        raise FactoInputError(f"{label}: use descuentorecargo_monto o descuentorecargo_porcentaje, no ambos")
    value = quantity * price
    if percent is not None:
        value = value * (1 + percent / 100)
    if amount is not None:
        value += amount
    return peso(value), flag == "1"


def _globals(request: FactoRequest, afecto: int, exento: int) -> tuple[int, int]:
    for item in request.descuentos:
        kind, value = item.get("descrec", ""), _decimal(item.get("valor"))
        if kind not in ("DA", "DE", "RA", "RE") or value is None or item.get("tipovalor") not in ("$", "%"):
            raise FactoInputError("Descuento/recargo global no válido")
        base = afecto if kind.endswith("A") else exento
        delta = peso(base * value / 100) if item["tipovalor"] == "%" else peso(value)
        delta = -delta if kind.startswith("D") else delta
        if kind.endswith("A"):
            afecto += delta
        else:
            exento += delta
    return afecto, exento


def check_lines_and_totals(request: FactoRequest, tipo: int) -> Totals:
    brutos = request.opciones.get("valores_brutos", "") == "1"
    if brutos and tipo != 39:
        raise FactoInputError("La opción valores_brutos sólo es válida para boletas electrónicas (tipo_dte 39)")
    if not request.detalles:
        raise FactoInputError("Debe ingresar al menos un detalle")
    if brutos and any(line.get("impuesto_codigo", "") for line in request.detalles):
        raise FactoInputError("Impuestos adicionales no soportados con valores_brutos")
    lines = [_line_amount(i, line, tipo in EXEMPT_ONLY) for i, line in enumerate(request.detalles, start=1)]
    if tipo in NEEDS_REFERENCE and not request.referencias:
        raise FactoInputError(f"Documento tipo_dte {tipo} requiere al menos una referencia")
    afecto, exento = _globals(
        request, sum(v for v, taxed in lines if taxed), sum(v for v, taxed in lines if not taxed)
    )
    sent = request.totales
    if brutos:
        final = _integer(sent, "total_final", "Total Final", required=True)
        if final != afecto + exento:
            raise FactoInputError(f"Total Final ({final}) no coincide con suma de detalles brutos ({afecto + exento})")
        net = peso(Decimal(afecto) / (1 + IVA))
        return Totals(exento, net, afecto - net, None, afecto + exento)
    given_afecto = _integer(sent, "total_afecto", "Total Neto", required=True)
    given_exento = _integer(sent, "total_exento", "Total Exento", required=True)
    given_iva = _integer(sent, "total_iva", "Total IVA", required=True)
    others = _integer(sent, "total_otrosimpuestos", "Total Otros Impuestos", required=False)
    given_final = _integer(sent, "total_final", "Total Final", required=True)
    if request.opciones.get("redondeo_tipo", "neto") == "bruto":
        gross = sum(peso(Decimal(v) * (1 + IVA)) for v, taxed in lines if taxed)
        iva = gross - afecto
    else:
        iva = peso(Decimal(afecto) * IVA)
    final = afecto + iva + exento + (others or 0)
    if given_afecto != afecto:
        raise FactoInputError(f"Total Neto ({given_afecto}) no coincide con suma de detalles netos ({afecto})")
    if given_exento != exento:
        raise FactoInputError(f"Total Exento ({given_exento}) no coincide con suma de detalles exentos ({exento})")
    if given_iva != iva:
        raise FactoInputError(f"Total IVA ({given_iva}) no coincide con IVA calculado ({iva})")
    if given_final != final:
        raise FactoInputError(f"Total Final ({given_final}) no coincide con total calculado ({final})")
    return Totals(exento, afecto, iva, others, final)


def validate(request: FactoRequest) -> tuple[int, Totals]:
    """``(tipo_dte, totals)`` or :class:`FactoInputError` with the status-1 message."""
    tipo = check_header(request)
    return tipo, check_lines_and_totals(request, tipo)
