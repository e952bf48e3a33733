"""Validation of ``PUT`` bodies for products and variants.

The spec documents field types (``stock`` int32, ``price`` float, ``stock_unlimited`` boolean,
``status`` enum) but no validation messages, so rejections use the ``BadParams`` shape
``{"message": ...}`` with Rails-style sentences. Fields outside the writable set are ignored, as
Rails strong parameters do. Everything is validated before anything is applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

STATUSES = ("available", "not-available", "disabled")


class InvalidField(ValueError):
    """A field failed validation; ``str(exc)`` is the message returned to the client."""


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise InvalidField(f"{_label(field)} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidField(f"{_label(field)} is not a number") from exc
    if not math.isfinite(number):
        raise InvalidField(f"{_label(field)} is not a number")
    return number


def non_negative_number(field: str, value: Any) -> float:
    number = _number(field, value)
    if number < 0:
        raise InvalidField(f"{_label(field)} must be greater than or equal to 0")
    return number


def non_negative_int(field: str, value: Any) -> int:
    number = _number(field, value)
    if not number.is_integer():
        raise InvalidField(f"{_label(field)} must be an integer")
    if number < 0:
        raise InvalidField(f"{_label(field)} must be greater than or equal to 0")
    if number > 2**31 - 1:
        raise InvalidField(f"{_label(field)} must be less than or equal to 2147483647")
    return int(number)


def boolean(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1", "true", "false"):
        return value in (1, "1", "true")
    raise InvalidField(f"{_label(field)} must be true or false")


def text(field: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidField(f"{_label(field)} must be a string")
    return str(value)


def non_blank_text(field: str, value: Any) -> str:
    result = text(field, value)
    if not result.strip():
        raise InvalidField(f"{_label(field)} can't be blank")
    return result


def status(field: str, value: Any) -> str:
    if value not in STATUSES:
        raise InvalidField(f"{_label(field)} is not included in the list")
    return str(value)


Parser = Callable[[str, Any], Any]

VARIANT_FIELDS: dict[str, Parser] = {
    "price": non_negative_number,
    "sku": text,
    "barcode": text,
    "stock": non_negative_int,
    "stock_unlimited": boolean,
    "stock_threshold": non_negative_int,
    "stock_notification": boolean,
    "cost_per_item": non_negative_number,
}

PRODUCT_FIELDS: dict[str, Parser] = {
    **VARIANT_FIELDS,
    "name": non_blank_text,
    "description": text,
    "brand": text,
    "status": status,
    "weight": non_negative_number,
}


def parse_changes(payload: dict[str, Any], fields: dict[str, Parser]) -> dict[str, Any]:
    """Writable fields present in ``payload``, converted to stored types."""
    return {name: parser(name, payload[name]) for name, parser in fields.items() if name in payload}
