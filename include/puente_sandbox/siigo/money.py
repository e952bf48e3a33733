"""Siigo's invoice arithmetic, from the Blueprint's ``invalid_total_payments`` section.

Per line::

    ValorBase = Redondear(Cantidad * ValorUnitario - Descuento, 2)
    IVA       = Redondear((ValorBase * PorcentajeIVA) / 100, 2)
    TotalItem = Redondear(ValorBase + IVA, 2)

and ``sum(payments[].value)`` must equal the sum of the item totals. Inferred where the
Blueprint is silent: "Redondear" is half away from zero (the Spanish spreadsheet ``REDONDEAR``,
not banker's rounding); a percentage discount (``discount_type: Percentage``) is turned into a
value as ``Redondear(Cantidad * ValorUnitario * pct / 100, 2)``; every additive tax on a line
(IVA, Impoconsumo, AdValorem) is computed like IVA; a Retefuente on a line is withheld, so it is
subtracted; ``taxed_price`` (IVA included) becomes ``price = taxed_price / (1 + IVA% / 100)`` to
6 decimals, which reproduces the Blueprint's example (10.000 -> base 8.403,36 + IVA 1.596,64).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ADDITIVE_TAX_TYPES = frozenset({"IVA", "Impoconsumo", "AdValorem"})
WITHHELD_ON_ITEM_TYPES = frozenset({"Retefuente"})


def dec(value: Any) -> Decimal:
    """Exact decimal of a JSON number (via ``str`` so 1069.77 stays 1069.77)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_json_number(value: Decimal) -> float | int:
    """Whole values as ints (``125000``), others as floats with their 2 or 6 decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


def decimals_of(value: Any) -> int:
    exponent = dec(value).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class LineAmounts:
    """One invoice line, computed: what goes into ``items[]`` of the response."""

    price: Decimal
    discount_value: Decimal
    discount_percentage: Decimal | None
    base: Decimal
    tax_values: tuple[tuple[dict[str, Any], Decimal], ...]
    total: Decimal


def price_from_taxed(taxed_price: Any, taxes: list[dict[str, Any]]) -> Decimal:
    iva = sum((dec(t["percentage"]) for t in taxes if t["type"] == "IVA"), Decimal(0))
    return (dec(taxed_price) / (1 + iva / 100)).quantize(MICRO, rounding=ROUND_HALF_UP)


def line_amounts(
    quantity: Any, price: Any, discount: Any, discount_type: str, taxes: list[dict[str, Any]]
) -> LineAmounts:
    """Apply the Blueprint formula to one line; ``taxes`` are full ``/v1/taxes`` records."""
    qty, unit = dec(quantity), dec(price)
    gross = qty * unit
    percentage: Decimal | None = None
    discount_value = Decimal(0)
    if discount not in (None, 0, "0"):
        if discount_type == "Percentage":
            percentage = dec(discount)
            discount_value = round2(gross * percentage / 100)
        else:
            discount_value = round2(dec(discount))
    base = round2(gross - discount_value)
    values: list[tuple[dict[str, Any], Decimal]] = []
    total = base
    for tax in taxes:
        value = round2(base * dec(tax["percentage"]) / 100)
        values.append((tax, value))
        if tax["type"] in ADDITIVE_TAX_TYPES:
            total += value
        elif tax["type"] in WITHHELD_ON_ITEM_TYPES:
            total -= value
    return LineAmounts(unit, discount_value, percentage, base, tuple(values), round2(total))


def item_json(line_id: str, code: str, description: str, quantity: Any, amounts: LineAmounts) -> dict[str, Any]:
    """``ItemOut``: price with at most 2 decimals ("queda registrado con dos decimales")."""
    item: dict[str, Any] = {
        "id": line_id,
        "code": code,
        "description": description,
        "quantity": as_json_number(dec(quantity)),
        "price": as_json_number(round2(amounts.price)),
    }
    if amounts.discount_value:
        item["discount"] = {
            "percentage": as_json_number(amounts.discount_percentage or Decimal(0)),
            "value": as_json_number(amounts.discount_value),
        }
    item["taxes"] = [
        {
            "id": tax["id"],
            "name": tax["name"],
            "type": tax["type"],
            "percentage": as_json_number(dec(tax["percentage"])),
            "value": as_json_number(value),
        }
        for tax, value in amounts.tax_values
    ]
    item["total"] = as_json_number(amounts.total)
    return item
