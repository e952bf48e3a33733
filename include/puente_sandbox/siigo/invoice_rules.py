"""``POST /v1/invoices`` validation and the stored invoice (``InvoiceOutDian``), per the Blueprint.

Checks, in order, each answering 400 with Siigo's code (the first failure wins; Siigo's own order
is not documented):

* required fields (``parameter_required``): ``document.id``, ``date``, ``customer.identification``,
  ``seller``, ``items``, ``payments``; ``items[].code/quantity/price`` (or ``taxed_price``),
  ``payments[].id/value``; ``payments[].due_date`` when the payment type has ``due_date: true``;
  ``cost_center`` when the type says ``cost_center_mandatory``.
* ``document.id``: unknown ``invalid_reference``, not an FV ``invalid_document``, inactive
  ``parameter_inactive``. ``stamp.send: true`` on a NoElectronic type is ``document_settings``
  (inferred: nothing to send to the DIAN).
* ``date``: ``yyyy-MM-dd`` or ``invalid_date``; an electronic type dated before today (Bogotá) is
  ``invalid_date`` ("para Facturas de tipo electrónico NO puedes enviar una fecha anterior a la
  fecha actual").
* customer: unknown identification+branch ``invalid_reference`` (unless the body embeds a full
  customer, which is created, as the Blueprint allows); inactive ``parameter_inactive``; no
  contacts ``customer_settings``. Seller unknown ``invalid_reference``, inactive
  ``parameter_inactive``. Cost center unknown/inactive ``invalid_cost_center``. ``currency`` COP
  ``invalid_currency`` ("no es necesario que envíes este campo si estás manejando la moneda local").
* items (<= 500, else ``invalid_array``): code unknown ``invalid_reference``, inactive product
  ``parameter_inactive``; quantity > 0 with <= 2 decimals and price >= 0 with <= 6 decimals
  (``invalid_value`` / ``invalid_amount``); taxes <= 3, no repeated type, no ReteIVA/ReteICA
  (``invalid_array``), unknown ``invalid_reference``, inactive ``parameter_inactive``; a warehouse
  must exist and be active (``invalid_reference``), and the product must control stock
  (``product_settings``).
* zero-price lines (gifts, the DIAN "no price" rule merchants hit): ``tax_base`` > 0 and
  ``taxpayer`` ``Customer|Company`` are required, else ``parameter_required`` (the code is
  inferred). The line then totals its price (0) plus the IVA only when ``taxpayer`` is ``Customer``
  (inferred: the company assuming the IVA pays it itself).
* payments: unknown ``invalid_reference``, inactive ``parameter_inactive``, not a Cartera type
  ``invalid_payment``, more than one payment when one has a due date ``invalid_payment``, and the
  sum must equal the computed total (``invalid_total_payments``, message as in the Blueprint's
  batch example). ``observations`` > 4000 characters ``length_max``.

Left out on purpose: retentions, global discounts, advance payments, foreign currency totals,
``items.customer``/``items.seller`` (third-party income, seller per item), transport and health
sector fields. They are accepted and echoed where harmless, never computed.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from puente_sandbox.siigo.money import as_json_number, dec, decimals_of, item_json, line_amounts, price_from_taxed
from puente_sandbox.siigo.vendor import invalid, required

if TYPE_CHECKING:
    from puente_sandbox.siigo.store import SiigoStore

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ITEMS = 500
MAX_OBSERVATIONS = 4000
RETENTION_ON_ITEM_FORBIDDEN = frozenset({"ReteIVA", "ReteICA"})
INVOICE_PAYMENT_KINDS = frozenset({"Cartera", "CarteraProveedor"})


def parse_date(value: Any, field: str) -> date:
    if not isinstance(value, str) or not DATE.match(value):
        raise invalid("invalid_date", f"The field {field} must have the format yyyy-MM-dd", field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise invalid("invalid_date", f"The field {field} is not a valid date", field) from exc


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = dec(value)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _lookup(catalog: dict[int, dict[str, Any]], value: Any, field: str, what: str) -> dict[str, Any]:
    record = catalog.get(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if record is None:
        raise invalid("invalid_reference", f"The {what} {value!r} does not exist", field)
    if not record.get("active", True):
        raise invalid("parameter_inactive", f"The {what} {value!r} is inactive", field)
    return record


def document_type(store: SiigoStore, body: dict[str, Any]) -> dict[str, Any]:
    doc_id = (body.get("document") or {}).get("id") if isinstance(body.get("document"), dict) else None
    if doc_id is None:
        raise required("document.id")
    doc = store.document_types.get(doc_id) if isinstance(doc_id, int) else None
    if doc is None:
        raise invalid("invalid_reference", f"The document type {doc_id!r} does not exist", "document.id")
    if doc["type"] != "FV":
        raise invalid("invalid_document", "The document type does not correspond to a sales invoice", "document.id")
    if not doc["active"]:
        raise invalid("parameter_inactive", f"The document type {doc_id} is inactive", "document.id")
    return doc


def invoice_customer(store: SiigoStore, body: dict[str, Any]) -> dict[str, Any]:
    given = body.get("customer")
    if not isinstance(given, dict) or not given.get("identification"):
        raise required("customer.identification")
    branch = given.get("branch_office", 0)
    customer = store.customer_by_key(str(given["identification"]), int(branch or 0))
    if customer is None and "person_type" in given:
        from puente_sandbox.siigo.customer_rules import build_customer  # embedded customer: create it

        customer = store.add_customer(build_customer(store, given))
    if customer is None:
        raise invalid("invalid_reference", f"The customer {given['identification']} does not exist", "customer")
    if not customer["active"]:
        raise invalid("parameter_inactive", "The customer is inactive", "customer")
    if not customer["contacts"]:
        raise invalid("customer_settings", "The customer has no contacts, create one before invoicing", "customer")
    return customer


def invoice_lines(store: SiigoStore, body: dict[str, Any], doc: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise required("items")
    if len(items) > MAX_ITEMS:
        raise invalid("invalid_array", f"An invoice can have at most {MAX_ITEMS} items", "items")
    return [invoice_line(store, item, doc, f"items[{i}]") for i, item in enumerate(items)]


def _line_taxes(store: SiigoStore, item: dict[str, Any], where: str) -> list[dict[str, Any]]:
    given = item.get("taxes") or []
    if not isinstance(given, list) or len(given) > 3:
        raise invalid("invalid_array", "An item can have at most 3 taxes", f"{where}.taxes")
    taxes = [_lookup(store.taxes, (t or {}).get("id"), f"{where}.taxes", "tax") for t in given]
    kinds = [t["type"] for t in taxes]
    if len(set(kinds)) != len(kinds) or RETENTION_ON_ITEM_FORBIDDEN & set(kinds):
        raise invalid(
            "invalid_array", "Repeated tax types, ReteIVA or ReteICA are not allowed on items", f"{where}.taxes"
        )
    return taxes


def invoice_line(store: SiigoStore, item: Any, doc: dict[str, Any], where: str) -> dict[str, Any]:
    if not isinstance(item, dict) or not item.get("code"):
        raise required(f"{where}.code")
    product = store.product_by_code(str(item["code"]))
    if product is None:
        raise invalid("invalid_reference", f"The product code {item['code']} does not exist", f"{where}.code")
    if not product["active"]:
        raise invalid("parameter_inactive", f"The product {item['code']} is inactive", f"{where}.code")
    quantity = _number(item.get("quantity"))
    if quantity is None:
        raise required(f"{where}.quantity")
    if quantity <= 0 or decimals_of(quantity) > 2:
        raise invalid("invalid_value", "The quantity must be positive with at most 2 decimals", f"{where}.quantity")
    taxes = _line_taxes(store, item, where)
    if item.get("taxed_price") is not None and _number(item["taxed_price"]) is not None:
        price = price_from_taxed(item["taxed_price"], taxes)
    else:
        price = _number(item.get("price"))
        if price is None:
            raise required(f"{where}.price")
    if price < 0 or decimals_of(price) > 6 or price > Decimal("99999999999.99"):
        raise invalid("invalid_amount", "The price must be positive with at most 6 decimals", f"{where}.price")
    if item.get("warehouse") is not None:
        _lookup(store.warehouses, item["warehouse"], f"{where}.warehouse", "warehouse")
        if not product["stock_control"]:
            raise invalid("product_settings", "The product does not handle inventory control", f"{where}.warehouse")
    if price == 0:
        return _gift_line(store, item, product, quantity, taxes, where)
    amounts = line_amounts(quantity, price, item.get("discount"), doc["discount_type"], taxes)
    description = item.get("description", product["name"])
    return item_json(store.new_id(), product["code"], description, quantity, amounts)


def _gift_line(
    store: SiigoStore, item: dict[str, Any], product: dict[str, Any], quantity: Decimal, taxes: list, where: str
) -> dict[str, Any]:
    """A zero-price line: DIAN needs the real value (``tax_base``) and who pays the IVA."""
    tax_base = _number(item.get("tax_base"))
    if tax_base is None or tax_base <= 0:
        raise invalid("parameter_required", "Items with price 0 require tax_base greater than 0", f"{where}.tax_base")
    if item.get("taxpayer") not in ("Customer", "Company"):
        raise invalid(
            "parameter_required", "Items with price 0 require taxpayer Customer or Company", f"{where}.taxpayer"
        )
    on_base = line_amounts(quantity, tax_base, None, "Value", taxes)
    amounts = line_amounts(quantity, 0, None, "Value", [])
    tax_total = on_base.total - on_base.base if item["taxpayer"] == "Customer" else Decimal(0)
    line = item_json(store.new_id(), product["code"], item.get("description", product["name"]), quantity, amounts)
    line["taxes"] = [
        {"id": t["id"], "name": t["name"], "type": t["type"], "percentage": as_json_number(dec(t["percentage"])),
         "value": as_json_number(v)}
        for t, v in on_base.tax_values
    ]  # fmt: skip
    line.update(tax_base=as_json_number(tax_base), taxpayer=item["taxpayer"], total=as_json_number(tax_total))
    return line


def invoice_payments(store: SiigoStore, body: dict[str, Any], total: Decimal) -> list[dict[str, Any]]:
    given = body.get("payments")
    if not isinstance(given, list) or not given:
        raise required("payments")
    out: list[dict[str, Any]] = []
    paid = Decimal(0)
    for i, payment in enumerate(given):
        where = f"payments[{i}]"
        if not isinstance(payment, dict) or payment.get("id") is None:
            raise required(f"{where}.id")
        kind = _lookup(store.payment_types, payment["id"], f"{where}.id", "payment type")
        if kind["type"] not in INVOICE_PAYMENT_KINDS:
            raise invalid("invalid_payment", "The payment type is not valid for a sales invoice", f"{where}.id")
        value = _number(payment.get("value"))
        if value is None:
            raise required(f"{where}.value")
        if value < 0 or decimals_of(value) > 2:
            raise invalid(
                "invalid_amount", "The payment value must be positive with at most 2 decimals", f"{where}.value"
            )
        row: dict[str, Any] = {"id": kind["id"], "name": kind["name"], "value": as_json_number(value)}
        if kind["due_date"]:
            if not payment.get("due_date"):
                raise required(f"{where}.due_date")
            row["due_date"] = parse_date(payment["due_date"], f"{where}.due_date").isoformat()
        paid += value
        out.append(row)
    if len(out) > 1 and any("due_date" in row for row in out):
        raise invalid("invalid_payment", "Only one payment is allowed when a payment type has a due date", "payments")
    if paid != total:
        raise invalid(
            "invalid_total_payments",
            "The total payments must be equal to the total invoice. "
            f"The total invoice calculated is {as_json_number(total)}",
            "payments",
        )
    return out


def _check_header_fields(store: SiigoStore, body: dict[str, Any], doc: dict[str, Any], backdating: bool) -> date:
    if body.get("date") in (None, ""):
        raise required("date")
    day = parse_date(body["date"], "date")
    electronic = doc["electronic_type"] != "NoElectronic"
    if electronic and not backdating and day < store.today():
        raise invalid(
            "invalid_date", "The date of an electronic invoice cannot be earlier than the current date", "date"
        )
    if (body.get("stamp") or {}).get("send") is True and not electronic:
        raise invalid(
            "document_settings", "The document type is not electronic, it cannot be sent to the DIAN", "stamp"
        )
    if body.get("seller") is None:
        raise required("seller")
    _lookup(store.users, body["seller"], "seller", "seller")
    if body.get("cost_center") is not None:
        center = store.cost_centers.get(body["cost_center"])
        if center is None or not center["active"]:
            raise invalid("invalid_cost_center", "The cost center does not exist or is inactive", "cost_center")
    elif doc["cost_center_mandatory"]:
        raise required("cost_center")
    if (body.get("currency") or {}).get("code") == "COP":
        raise invalid("invalid_currency", "Do not send the currency for the local currency", "currency")
    if len(str(body.get("observations") or "")) > MAX_OBSERVATIONS:
        raise invalid("length_max", f"The field observations exceeds {MAX_OBSERVATIONS} characters", "observations")
    return day


def lines_total(store: SiigoStore, body: dict[str, Any]) -> Decimal:
    """What ``payments`` must add up to for this body (validates document type and items)."""
    lines = invoice_lines(store, body, document_type(store, body))
    return sum((dec(line["total"]) for line in lines), Decimal(0))


def build_invoice(store: SiigoStore, body: dict[str, Any], *, allow_backdating: bool = False) -> dict[str, Any]:
    """Validate a create payload and return the invoice to store (number not yet assigned)."""
    doc = document_type(store, body)
    day = _check_header_fields(store, body, doc, allow_backdating)
    customer = invoice_customer(store, body)
    lines = invoice_lines(store, body, doc)
    total = sum((dec(line["total"]) for line in lines), Decimal(0))
    payments = invoice_payments(store, body, total)
    electronic = doc["electronic_type"] != "NoElectronic"
    send_stamp = (body.get("stamp") or {}).get("send") is True
    send_mail = (body.get("mail") or {}).get("send") is True
    invoice: dict[str, Any] = {
        "id": store.new_id(),
        "document": {"id": doc["id"]},
        "number": None,
        "name": None,
        "date": day.isoformat(),
        "customer": {"id": customer["id"], "identification": customer["identification"],
                     "branch_office": customer["branch_office"]},
        "total": as_json_number(total),
        "balance": as_json_number(total) if any("due_date" in p for p in payments) else 0,
        "seller": body["seller"],
        "observations": str(body.get("observations") or ""),
        "items": lines,
        "payments": payments,
    }  # fmt: skip
    if body.get("cost_center") is not None:
        invoice["cost_center"] = body["cost_center"]
    if body.get("currency"):
        invoice["currency"] = body["currency"]
    if electronic:
        invoice["stamp"] = {"status": "Accepted" if send_stamp else "Draft", "observations": "", "errors": ""}
    invoice["mail"] = {
        "status": "sent" if send_mail else "not_sent",
        "observations": "" if send_mail else "The invoice has not been sent by mail",
    }
    invoice["public_url"] = (
        "https://documentview.siigo.com/document?data=" + hashlib.sha1(invoice["id"].encode()).hexdigest()[:26]
    )
    return invoice


def cufe_for(invoice: dict[str, Any]) -> str:
    """96 hex characters like the Blueprint's example (a SHA-384, as the DIAN's CUFE is)."""
    seed = f"{invoice['name']}|{invoice['date']}|{invoice['total']}|{invoice['customer']['identification']}"
    return hashlib.sha384(seed.encode()).hexdigest()
