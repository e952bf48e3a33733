"""Comprobante (invoice) rules: the ``crear`` body, AFIP invoice letters, totals, emission.

Facts (notes §3): ``IdCliente``, ``TipoFc``, ``PuntoVenta`` (a point-of-sale ``Id``), ``Modo``
(``E`` electronic), ``CondicionVenta`` (a configured sale-condition **name**), ``TipoConcepto``
(1 products, 2 services, 3 both), ``Inventario`` (the depósito to decrement), ``Items`` with
``Cantidad``, ``PrecioUnitario`` **net of IVA**, ``Iva`` as a rate (21, 10.5, 27, 5, 2.5, 0) and
``Bonificacion``. **TipoFc codes conflict** between clients: ``FA/FB/FC`` in one, ``FCA/FCB/FCC``
in two that cite the docs. The sandbox accepts both forms and stores the code as sent;
``ContabiliumHook`` sends the documented ``FCA/FCB/FCC``.

Inferred (AFIP's rules, not Contabilium's docs): a Responsable Inscripto issuer invoices RI and
Monotributo clients with letter A and CF/EX clients with B; a Monotributo/Exento issuer only
issues C. Lines without ``IdConcepto`` are free text (comprobantes take them, unlike sales
orders), e.g. shipping. ``Inventario`` defaults to the first active depósito. Stock moves when the
comprobante is authorised (gets its CAE), may go negative, and only for ``Tipo`` ``P`` conceptos.
Numbers are ``PPPP-NNNNNNNN`` per point of sale and letter; the CAE is 14 digits, valid 10 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from puente_sandbox.contabilium.vendor import bad_request

if TYPE_CHECKING:
    from puente_sandbox.contabilium.store import ContabiliumStore

LETTER_OF = {"FCA": "A", "FCB": "B", "FCC": "C", "FA": "A", "FB": "B", "FC": "C"}
DOCUMENTED_CODES = ("FCA", "FCB", "FCC")
VAT_RATES = frozenset({0.0, 2.5, 5.0, 10.5, 21.0, 27.0})
MODES = frozenset({"E", "T"})  # electronic, talonario (manual book; inferred)


def expected_letter(issuer_iva: str, client_iva: str) -> str:
    if issuer_iva != "RI":
        return "C"
    return "A" if client_iva in ("RI", "MO") else "B"


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad_request(f"El campo {field} es inválido")
    try:
        return float(value)
    except ValueError as exc:
        raise bad_request(f"El campo {field} es inválido") from exc


def _date(value: Any, field: str, *, required: bool) -> str | None:
    if value in (None, ""):
        if required:
            raise bad_request(f"El campo {field} es obligatorio")
        return None
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError as exc:
        raise bad_request(f"El campo {field} debe tener el formato yyyy-MM-ddTHH:mm:ss") from exc


def _items(store: ContabiliumStore, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise bad_request("El comprobante debe tener al menos un item")
    items = []
    for position, line in enumerate(raw, start=1):
        if not isinstance(line, dict):
            raise bad_request(f"El item {position} es inválido")
        quantity = _number(line.get("Cantidad"), "Cantidad")
        price = _number(line.get("PrecioUnitario"), "PrecioUnitario")
        iva = _number(line.get("Iva", 21), "Iva")
        discount = _number(line.get("Bonificacion") or 0, "Bonificacion")
        if quantity <= 0:
            raise bad_request(f"La cantidad del item {position} debe ser mayor a cero")
        if price < 0 or not 0 <= discount <= 100:
            raise bad_request(f"El precio o la bonificación del item {position} es inválido")
        if iva not in VAT_RATES:
            raise bad_request(f"La alícuota de IVA {line.get('Iva')} del item {position} es inválida")
        concept_id = line.get("IdConcepto") or None
        concept = None
        if concept_id is not None:
            concept = store.product_by_id(int(_number(concept_id, "IdConcepto")))
            if concept is None:
                raise bad_request(f"El concepto {concept_id} es inexistente")
        description = line.get("Concepto") or (concept or {}).get("Nombre")
        if not description:
            raise bad_request(f"El item {position} debe tener un concepto o una descripción")
        net = round(quantity * price * (1 - discount / 100), 2)
        items.append({
            "IdConcepto": concept["Id"] if concept else None, "Concepto": description,
            "Codigo": line.get("Codigo") or (concept or {}).get("Codigo"), "Cantidad": quantity,
            "PrecioUnitario": price, "Iva": iva, "Bonificacion": discount, "Subtotal": net,
            "SubtotalIva": round(net * iva / 100, 2),
        })  # fmt: skip
    return items


def build_invoice(store: ContabiliumStore, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a ``crear`` body and return the draft comprobante (no id, number or CAE yet)."""
    client = store.client_by_id(int(_number(body.get("IdCliente"), "IdCliente")))
    if client is None:
        raise bad_request("El cliente es inexistente")
    code = str(body.get("TipoFc") or "").upper()
    if code not in LETTER_OF:
        raise bad_request(f"El tipo de comprobante '{body.get('TipoFc')}' es inválido")
    letter = expected_letter(store.issuer["CondicionIVA"], client["CondicionIva"])
    if LETTER_OF[code] != letter:
        raise bad_request(
            f"El tipo de comprobante {code} no corresponde a la condición de IVA del cliente "
            f"({client['CondicionIva']}): debe ser factura {letter}"
        )
    point = store.points_of_sale.get(int(_number(body.get("PuntoVenta"), "PuntoVenta")))
    if point is None or not point["Activo"]:
        raise bad_request("El punto de venta es inexistente o está inactivo")
    mode = str(body.get("Modo") or "E").upper()
    if mode not in MODES:
        raise bad_request("El modo es inválido")
    condition = str(body.get("CondicionVenta") or "")
    names = {c["Nombre"].lower(): c["Nombre"] for c in store.sale_conditions}
    if condition.lower() not in names:
        raise bad_request(f"La condición de venta '{condition}' es inexistente")
    concept_type = int(_number(body.get("TipoConcepto", 1), "TipoConcepto"))
    if concept_type not in (1, 2, 3):
        raise bad_request("El tipo de concepto es inválido")
    deposit = body.get("Inventario") or store.default_warehouse_id()
    warehouse = store.warehouses.get(int(_number(deposit, "Inventario")))
    if warehouse is None or not warehouse["Activo"]:
        raise bad_request("El depósito es inexistente o está inactivo")
    items = _items(store, body.get("Items"))
    net = round(sum(i["Subtotal"] for i in items), 2)
    vat = round(sum(i["SubtotalIva"] for i in items), 2)
    return {
        "IdCliente": client["Id"], "RazonSocial": client["RazonSocial"], "TipoFc": code,
        "PuntoVenta": point["Id"], "Numero": None, "Modo": mode, "CondicionVenta": names[condition.lower()],
        "TipoConcepto": concept_type, "Inventario": warehouse["Id"],
        "FechaEmision": _date(body.get("FechaEmision"), "FechaEmision", required=True),
        "FechaVencimiento": _date(body.get("FechaVencimiento"), "FechaVencimiento", required=False),
        "Observaciones": body.get("Observaciones") or "", "RefExterna": body.get("RefExterna"),
        "Items": items, "ImporteNeto": net, "ImporteIva": vat, "ImporteTotal": round(net + vat, 2),
        "Cae": None, "FechaVencimientoCae": None, "Estado": "Borrador",
    }  # fmt: skip


def authorize(store: ContabiliumStore, invoice: dict[str, Any]) -> dict[str, Any]:
    """Give a draft its number and CAE and move stock; the ``emitirFE``-style answer."""
    if invoice["Cae"]:
        raise bad_request("El comprobante ya se encuentra emitido")
    letter = LETTER_OF[invoice["TipoFc"]]
    point_number = store.points_of_sale[invoice["PuntoVenta"]]["_numero"]
    key = (point_number, letter)
    store.last_numbers[key] = store.last_numbers.get(key, 0) + 1
    invoice["Numero"] = f"{point_number:04d}-{store.last_numbers[key]:08d}"
    invoice["Cae"] = f"7412{invoice['Id']:010d}"[-14:]
    issued = datetime.fromisoformat(invoice["FechaEmision"])
    invoice["FechaVencimientoCae"] = (issued + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S")
    invoice["Estado"] = "Emitido"
    for item in invoice["Items"]:
        concept = store.product_by_id(item["IdConcepto"]) if item["IdConcepto"] else None
        if concept is not None and concept["Tipo"] == "P":
            store.move_stock(invoice["Inventario"], concept["Id"], -item["Cantidad"])
    return emission_answer(invoice)


def emission_answer(invoice: dict[str, Any]) -> dict[str, Any]:
    """The notes' ``emitirFECobrada`` response (camelCase, as quoted)."""
    return {
        "idComprobante": invoice["Id"],
        "cae": invoice["Cae"] or "",
        "numero": invoice["Numero"] or "",
        "url": f"https://app.contabilium.com/comprobantes/pdf/{invoice['Id']}",  # inferred
        "fechaVto": invoice["FechaVencimientoCae"] or "",
        "errores": "",
    }
