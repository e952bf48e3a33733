"""``POST /invoices`` rules: validation, totals, draft vs open, and the DIAN stamp.

From the notes (section 3) and Colombia constraints (section 6):

* Required: ``date``, ``dueDate`` (``yyyy-MM-dd``), ``client`` (``{id}`` or id) and ``items[]``;
  each item's ``id`` is Alegra's item id (not the SKU), with ``price``, ``quantity``, optional
  ``discount`` (percent, inferred), ``tax[{id}]``, ``description``, ``reference``, ``warehouse{id}``
  (the bodega the line's stock leaves from, inferred; an unknown or inactive one is a 400).
* Optional: ``numberTemplate{id}``, ``paymentForm`` (``CASH|CREDIT``), ``payments[]`` (``date``,
  ``account{id}``, ``amount``, ``paymentMethod``), ``seller``, ``priceList``, ``currency{code,
  exchangeRate}``, ``observations``, ``anotation`` (sic), ``termsConditions``, ``costCenter``
  (inferred), ``status``, ``stamp``.
* Status: without ``status`` and without payments -> ``draft``; with payments -> ``open``;
  ``"status": "open"`` forces open. Fully paid open invoices read ``closed`` (inferred).
* ``stamp: {"generateStamp": true}`` emits to DIAN at creation: it needs an electronic
  ``numberTemplate`` and a compliant client (a company needs a NIT). DIAN refuses a line without
  price: the notes found no message for it (gap), so it is a 400 with ``message`` and nothing is
  created, like every stamping refusal here (inferred: Alegra validates before sending). A stamp on
  an invoice explicitly sent as ``draft`` is refused (inferred); without ``status`` it opens.
* Payment methods: the notes found no list endpoint; the accepted values are those Alegra's
  payments take (cash, check, transfer, deposit, credit-card, debit-card; looked up in a public
  Alegra tool description) and are validated here. ``paymentForm`` is ``CASH|CREDIT``.
* Accepted stamps read ``{"legalStatus": "ACCEPTED", "cufe": <SHA-384 hex>, "date"}`` (sub-fields
  inferred; DIAN's CUFE is a SHA-384). Drafts take no number; open invoices take the template's
  next number (inferred). Money: 2 decimals, half-up (``decimalPrecision`` 2, inferred).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from puente_sandbox.alegra.vendor import (
    CODE_CLIENT_MISSING,
    CODE_DIAN_ZERO_PRICE,
    CODE_ITEM_INACTIVE,
    CODE_ITEM_MISSING,
    CODE_NUMBER_TEMPLATE,
    CODE_PAYMENTS,
    CODE_STAMP_CLIENT,
    as_id,
    invalid,
    required,
)

if TYPE_CHECKING:
    from puente_sandbox.alegra.store import AlegraStore

PAYMENT_FORMS = frozenset({"CASH", "CREDIT"})
PAYMENT_METHODS = frozenset({"cash", "check", "transfer", "deposit", "credit-card", "debit-card"})
CENT = Decimal("0.01")


def money(value: Decimal) -> float | int:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def parse_day(value: Any, field: str) -> str:
    if not value:
        raise required(field)
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise invalid(f"El campo {field} debe tener el formato yyyy-MM-dd", details={"field": field}) from exc


def number(value: Any, field: str) -> Decimal:
    """Numbers may come as strings; both are read."""
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise invalid(f"El campo {field} debe ser numérico", details={"field": field}) from exc
    if not result.is_finite():
        raise invalid(f"El campo {field} debe ser numérico", details={"field": field})
    return result


def _ref(catalog: dict[str, dict[str, Any]], value: Any, field: str, what: str) -> dict[str, Any] | None:
    ident = as_id(value)
    if value is None or ident is None:
        return None
    record = catalog.get(ident)
    if record is None or record.get("status", "active") != "active":
        raise invalid(f"{what} con id {ident} no existe o está inactivo", details={"field": field})
    return record


def build_line(store: AlegraStore, raw: Any, index: int, price_list: str) -> tuple[dict[str, Any], Decimal]:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        raise invalid(f"El ítem {where} debe ser un objeto")
    ident = as_id(raw.get("id"))
    if ident is None:
        raise required(f"{where}.id")
    item = store.items_by_id.get(ident)
    if item is None:
        raise invalid(f"El ítem con id {ident} no existe", CODE_ITEM_MISSING)
    if item["status"] != "active":
        raise invalid(f"El ítem con id {ident} está inactivo", CODE_ITEM_INACTIVE)
    prices = item["price"]
    default_price = next((p["price"] for p in prices if p["idPriceList"] == price_list), prices[0]["price"])
    price = number(raw.get("price", default_price), f"{where}.price")
    quantity = number(raw.get("quantity", 1), f"{where}.quantity")
    discount = number(raw.get("discount", 0), f"{where}.discount")
    if price < 0 or quantity <= 0 or not 0 <= discount <= 100:
        raise invalid(f"Precio, cantidad o descuento inválido en {where}", details={"field": where})
    warehouse = _ref(store.warehouses, raw.get("warehouse"), f"{where}.warehouse", "La bodega")
    tax_refs = raw.get("tax") or []
    line_taxes = [_ref(store.taxes, t, f"{where}.tax", "El impuesto") for t in tax_refs]
    base = price * quantity * (1 - discount / 100)
    tax_amount = sum((base * Decimal(t["percentage"]) / 100 for t in line_taxes if t), Decimal(0))
    line = {
        "id": item["id"], "name": item["name"], "description": raw.get("description", item["description"]),
        "reference": raw.get("reference", item["reference"]), "price": money(price), "quantity": money(quantity),
        "discount": money(discount), "tax": [{**t, "amount": money(base * Decimal(t["percentage"]) / 100)}
                                             for t in line_taxes if t],
        "total": money(base + tax_amount),
    }  # fmt: skip
    if warehouse is not None:
        line["warehouse"] = {"id": warehouse["id"], "name": warehouse["name"]}
    return line, base + tax_amount


def build_payments(store: AlegraStore, raw: Any, total: Decimal) -> tuple[list[dict[str, Any]], Decimal]:
    if raw in (None, []):
        return [], Decimal(0)
    if not isinstance(raw, list):
        raise invalid("El campo payments debe ser una lista", CODE_PAYMENTS)
    payments, paid = [], Decimal(0)
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise invalid(f"El pago payments[{i}] debe ser un objeto", CODE_PAYMENTS)
        account = _ref(store.bank_accounts, entry.get("account"), f"payments[{i}].account", "La cuenta bancaria")
        if account is None:
            raise required(f"payments[{i}].account")
        method = entry.get("paymentMethod", "cash")
        if method not in PAYMENT_METHODS:
            raise invalid(f"El método de pago {method!r} no es válido", CODE_PAYMENTS)
        amount = number(entry.get("amount"), f"payments[{i}].amount")
        if amount <= 0:
            raise invalid("El valor del pago debe ser mayor a cero", CODE_PAYMENTS)
        paid += amount
        payments.append({"date": parse_day(entry.get("date"), f"payments[{i}].date"),
                         "account": {"id": account["id"], "name": account["name"]},
                         "amount": money(amount), "paymentMethod": method})  # fmt: skip
    if paid.quantize(CENT, rounding=ROUND_HALF_UP) > total.quantize(CENT, rounding=ROUND_HALF_UP):  # as stored
        raise invalid("El total de los pagos no puede superar el total de la factura", CODE_PAYMENTS)
    return payments, paid


def check_stamp(store: AlegraStore, template: dict[str, Any] | None, client: dict[str, Any],
                lines: list[dict[str, Any]]) -> None:  # fmt: skip
    if template is None or not template.get("isElectronic") or template["documentType"] != "invoice":
        raise invalid("Para emitir la factura electrónica debes usar una numeración electrónica autorizada "
                      "(numberTemplate)", CODE_NUMBER_TEMPLATE)  # fmt: skip
    kind = (client.get("identificationObject") or {}).get("type")
    if not client.get("identification") or (client["kindOfPerson"] == "LEGAL_ENTITY" and kind != "NIT"):
        raise invalid("El cliente no cumple los requisitos de la DIAN: una persona jurídica debe tener NIT",
                      CODE_STAMP_CLIENT)  # fmt: skip
    for line in lines:
        if Decimal(str(line["price"])) == 0:
            raise invalid(f"La DIAN no acepta ítems sin precio: el ítem '{line['name']}' tiene precio 0",
                          CODE_DIAN_ZERO_PRICE, details={"item": line["id"]})  # fmt: skip


def cufe_for(invoice: dict[str, Any]) -> str:
    number_ = (invoice.get("numberTemplate") or {}).get("fullNumber")
    seed = f"{number_}|{invoice['date']}|{invoice['total']}|{invoice['client']['id']}"
    return hashlib.sha384(seed.encode()).hexdigest()


def build_invoice(store: AlegraStore, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a create payload and return the invoice (not yet numbered, stamped nor stored)."""
    day, due = parse_day(body.get("date"), "date"), parse_day(body.get("dueDate"), "dueDate")
    client_id = as_id(body.get("client"))
    if client_id is None:
        raise required("client")
    client = store.contacts_by_id.get(client_id)
    if client is None or client["status"] != "active":
        raise invalid(f"El cliente con id {client_id} no existe o está inactivo", CODE_CLIENT_MISSING)
    raw_items = body.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise required("items")
    price_list = _ref(store.price_lists, body.get("priceList"), "priceList", "La lista de precios")
    built = [build_line(store, raw, i, price_list["id"] if price_list else "1") for i, raw in enumerate(raw_items)]
    lines, total = [line for line, _ in built], sum((t for _, t in built), Decimal(0))
    template = _ref(store.number_templates, body.get("numberTemplate"), "numberTemplate", "La numeración")
    seller = _ref(store.sellers, body.get("seller"), "seller", "El vendedor")
    cost_center = _ref(store.cost_centers, body.get("costCenter"), "costCenter", "El centro de costo")
    form = body.get("paymentForm")
    if form is not None and form not in PAYMENT_FORMS:
        raise invalid("El campo paymentForm debe ser CASH o CREDIT", details={"field": "paymentForm"})
    currency = body.get("currency") or {"code": "COP", "exchangeRate": 1}
    if not isinstance(currency, dict) or not currency.get("code"):
        raise invalid("El campo currency debe tener code", details={"field": "currency"})
    if currency["code"] != "COP" and number(currency.get("exchangeRate", 0), "currency.exchangeRate") <= 0:
        raise invalid("Una moneda extranjera requiere exchangeRate mayor a cero", details={"field": "currency"})
    payments, paid = build_payments(store, body.get("payments"), total)
    status = body.get("status")
    if status not in (None, "open", "draft"):
        raise invalid("El campo status debe ser open o draft", details={"field": "status"})
    stamp = body.get("stamp") or {}
    generate = isinstance(stamp, dict) and stamp.get("generateStamp") in (True, "true")
    if generate and status == "draft":
        raise invalid("No se puede emitir una factura en borrador", CODE_NUMBER_TEMPLATE)
    if generate:
        check_stamp(store, template, client, lines)
    status = status or ("open" if payments or generate else "draft")
    invoice: dict[str, Any] = {
        "id": None, "date": day, "dueDate": due, "datetime": None, "status": status,
        "numberTemplate": {"id": template["id"], "prefix": template["prefix"], "number": None} if template else None,
        "total": money(total), "totalPaid": money(paid), "balance": money(Decimal(str(money(total))) - paid),
        "decimalPrecision": "2",
        "client": {k: client.get(k) for k in ("id", "name", "identification", "email", "phonePrimary", "address")},
        "seller": {"id": seller["id"], "name": seller["name"]} if seller else None,
        "priceList": {"id": price_list["id"], "name": price_list["name"]} if price_list else None,
        "costCenter": {"id": cost_center["id"], "name": cost_center["name"]} if cost_center else None,
        "currency": {"code": currency["code"], "symbol": "$", "exchangeRate": currency.get("exchangeRate", 1)},
        "paymentForm": form, "items": lines, "payments": payments,
        "observations": body.get("observations", ""), "anotation": body.get("anotation", ""),
        "termsConditions": body.get("termsConditions", ""), "stamp": None,
    }  # fmt: skip
    invoice["_generate_stamp"] = generate
    return invoice
