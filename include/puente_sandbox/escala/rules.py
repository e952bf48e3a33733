"""Escala's write rules, as pure functions that collect ``{"field", "message"}`` problems.

From the notes: custom fields live under ``custom`` keyed by their generated slug and are typed
(``text``, ``number``, ``dropdown``); emails and phones (and an "ID"-type custom field) identify a
contact. Everything else is inferred from the notes' "likely validations": bad email or phone
format, unknown pipeline/stage/contact/product/owner, duplicate contact, custom value of the
wrong type. Unknown custom keys are rejected (a typo would otherwise silently lose the cédula).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.escala.models import CustomField

Problems = list[dict[str, str]]

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[\d\s().-]{7,20}$")
PERSONAL_FIELDS = ("firstName", "lastName", "email", "phoneNumber", "address")
UNASSIGNED = "unassigned"


def problem(problems: Problems, field: str, message: str) -> None:
    problems.append({"field": field, "message": message})


def phone_key(raw: str | None) -> str | None:
    """Digits only, last 10 (a Colombian mobile): ``+57 300 123 4567`` matches ``3001234567``."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", str(raw))
    return digits[-10:] if digits else None


def email_key(raw: str | None) -> str | None:
    return str(raw).strip().lower() if raw else None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def check_personal(personal: Any, problems: Problems, *, creating: bool) -> dict[str, Any]:
    """``personal`` on create needs a ``firstName`` (inferred); email/phone must be well formed."""
    if personal is None and not creating:
        return {}
    if not isinstance(personal, Mapping):
        problem(problems, "personal", "must be an object")
        return {}
    cleaned: dict[str, Any] = {}
    for name in PERSONAL_FIELDS:
        if name not in personal:
            continue
        value = personal[name]
        if value is not None and not isinstance(value, str):
            problem(problems, f"personal.{name}", "must be a string")
            continue
        cleaned[name] = value.strip() if isinstance(value, str) else None
    if creating and not cleaned.get("firstName"):
        problem(problems, "personal.firstName", "is required")
    if cleaned.get("email") and not EMAIL_RE.match(cleaned["email"]):
        problem(problems, "personal.email", "invalid")
    if cleaned.get("phoneNumber") and not PHONE_RE.match(cleaned["phoneNumber"]):
        problem(problems, "personal.phoneNumber", "invalid")
    return cleaned


def check_custom(
    custom: Any, entity: str, definitions: Mapping[str, CustomField], problems: Problems
) -> dict[str, Any]:
    """Known keys of this entity only; ``text`` takes strings, ``number`` numbers, ``dropdown`` an option.

    ``null`` clears a value. A number sent to a text field is refused rather than converted: the
    cédula field is text, and a number would lose leading zeros.
    """
    if custom is None:
        return {}
    if not isinstance(custom, Mapping):
        problem(problems, "custom", "must be an object")
        return {}
    cleaned: dict[str, Any] = {}
    for key, value in custom.items():
        where = f"custom.{key}"
        definition = definitions.get(key)
        if definition is None or definition.entity != entity:
            problem(problems, where, "unknown custom field")
            continue
        if value is None:
            cleaned[key] = None
        elif definition.type == "text" and not isinstance(value, str):
            problem(problems, where, "must be text")
        elif definition.type == "number" and not is_number(value):
            problem(problems, where, "must be a number")
        elif definition.type == "dropdown" and value not in definition.options:
            problem(problems, where, f"must be one of {list(definition.options)}")
        else:
            cleaned[key] = value.strip() if isinstance(value, str) else value
    return cleaned


def check_owner(value: Any, user_ids: Mapping[str, object], problems: Problems) -> str | None:
    """``assignedTo`` is ``"unassigned"`` or a user id; anything else is refused (inferred)."""
    if value is None:
        return None
    if value == UNASSIGNED or (isinstance(value, str) and value in user_ids):
        return value
    problem(problems, "assignedTo", "unknown user")
    return None


def check_priority(value: Any, problems: Problems) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        problem(problems, "priority", "must be an integer from 1 to 5")
        return None
    return value


def check_value(value: Any, problems: Problems) -> float | None:
    if value is None:
        return None
    if not is_number(value) or value < 0:
        problem(problems, "value", "must be a number >= 0")
        return None
    return float(value)


def check_text(body: Mapping[str, Any], name: str, problems: Problems, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            problem(problems, name, "is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        problem(problems, name, "is required" if isinstance(value, str) else "must be a string")
        return None
    return value


def check_bool(body: Mapping[str, Any], name: str, problems: Problems) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        problem(problems, name, "must be a boolean")
        return None
    return value


def parse_since(raw: str | None, problems: Problems) -> datetime | None:
    """``since=<ISO datetime>`` (a ``Z`` suffix is accepted); naive times are UTC."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        problem(problems, "since", "must be an ISO-8601 datetime")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def custom_matches(stored: Any, wanted: str, definition: CustomField | None) -> bool:
    """Query values are strings: a number field compares numerically, others exactly (trimmed)."""
    if stored is None:
        return False
    if definition is not None and definition.type == "number":
        try:
            return float(stored) == float(wanted)
        except (TypeError, ValueError):
            return False
    return str(stored).strip() == wanted.strip()
