"""``POST /v1/customers`` validation and the stored customer (``CustomerOut``), per the Blueprint.

Required (``parameter_required``): ``person_type`` (Person|Company, else ``invalid_type``),
``id_type`` (a code of the Colombian table, else ``invalid_reference``), ``identification``
(regex ``^[\\d\\w]{1}[\\d\\w\\-]+[\\d\\w]{1}$``, <= 50 characters; numeric 3-13 digits for CC, NIT and
Registro civil; else ``invalid_identification``), ``name`` (two strings for a Person, one for a
Company, else ``invalid_array``), ``address.address`` and ``address.city.{country_code,
state_code, city_code}``. ``contacts`` <= 10 (``invalid_array``), each with ``first_name``;
contact e-mails must match Siigo's regex (``invalid_email``); ``branch_office`` 0-999;
fiscal responsibilities default to ``R-99-PN`` and must be known codes. An identification that
already exists with the same branch office is ``already_exists``. ``check_digit`` is computed for
NITs, as Siigo does. Unknown city codes are accepted with empty names (Siigo's list has ~1100
cities; the sandbox knows a few, inferred leniency). ``phones`` are optional here (the field
table says optional; the data structure says required: the lenient reading is taken).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from puente_sandbox.siigo import catalogs as cat
from puente_sandbox.siigo.seed import siigo_timestamp
from puente_sandbox.siigo.vendor import invalid, required

if TYPE_CHECKING:
    from puente_sandbox.siigo.store import SiigoStore

IDENTIFICATION = re.compile(r"^[\d\w]{1}[\d\w\-]+[\d\w]{1}$")
EMAIL = re.compile(r"^([-+.]*\w)+[-+.]*@([\w-]+\.)+[\w-]{2,}$")
MAX_CONTACTS = 10


def _identification(body: dict[str, Any], id_type: str) -> str:
    identification = str(body.get("identification") or "").strip()
    if not identification:
        raise required("identification")
    numeric_ok = identification.isdigit() and 3 <= len(identification) <= 13
    if (
        len(identification) > 50
        or not IDENTIFICATION.match(identification)
        or (id_type in cat.NUMERIC_ID_TYPES and not numeric_ok)
    ):
        raise invalid("invalid_identification", f"The identification {identification} is not valid", "identification")
    return identification


def _name(body: dict[str, Any], person_type: str) -> list[str]:
    name = body.get("name")
    if not name:
        raise required("name")
    expected = 2 if person_type == "Person" else 1
    if not isinstance(name, list) or len(name) != expected or not all(isinstance(n, str) and n.strip() for n in name):
        raise invalid("invalid_array", f"The name of a {person_type} must have {expected} value(s)", "name")
    return [n.strip()[:100] for n in name]


def _address(body: dict[str, Any]) -> dict[str, Any]:
    address = body.get("address")
    if not isinstance(address, dict) or not address.get("address"):
        raise required("address.address")
    city = address.get("city")
    if not isinstance(city, dict):
        raise required("address.city")
    for key in ("country_code", "state_code", "city_code"):
        if not city.get(key):
            raise required(f"address.city.{key}")
    codes = (str(city["country_code"]).upper(), str(city["state_code"]), str(city["city_code"]))
    country, state, name = cat.CITIES.get(codes, ("", "", ""))
    return {
        "address": str(address["address"])[:256],
        "city": {"country_code": city["country_code"], "country_name": country, "state_code": codes[1],
                 "state_name": state, "city_code": codes[2], "city_name": name},
        "postal_code": str(address.get("postal_code") or ""),
    }  # fmt: skip


def _contacts(body: dict[str, Any]) -> list[dict[str, Any]]:
    contacts = body.get("contacts") or []
    if not isinstance(contacts, list) or len(contacts) > MAX_CONTACTS:
        raise invalid("invalid_array", f"A customer can have at most {MAX_CONTACTS} contacts", "contacts")
    out = []
    for i, contact in enumerate(contacts):
        if not isinstance(contact, dict) or not contact.get("first_name"):
            raise required(f"contacts[{i}].first_name")
        email = contact.get("email")
        if email and not EMAIL.match(str(email)):
            raise invalid("invalid_email", f"The email {email} is not valid", f"contacts[{i}].email")
        out.append({"first_name": contact["first_name"], "last_name": contact.get("last_name", ""),
                    "email": email or "", **({"phone": contact["phone"]} if contact.get("phone") else {})})  # fmt: skip
    return out


def _fiscal(body: dict[str, Any]) -> list[dict[str, Any]]:
    given = body.get("fiscal_responsibilities") or [{"code": "R-99-PN"}]
    out = []
    for i, item in enumerate(given if isinstance(given, list) else []):
        code = (item or {}).get("code") if isinstance(item, dict) else None
        if code not in cat.FISCAL_RESPONSIBILITIES:
            raise invalid("invalid_reference", f"The fiscal responsibility {code!r} does not exist",
                          f"fiscal_responsibilities[{i}].code")  # fmt: skip
        out.append({"code": code, "name": cat.FISCAL_RESPONSIBILITIES[code]})
    return out


def build_customer(store: SiigoStore, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a create payload and return the ``CustomerOut`` record (not yet stored)."""
    person_type = body.get("person_type")
    if not person_type:
        raise required("person_type")
    if person_type not in ("Person", "Company"):
        raise invalid("invalid_type", "The person_type must be Person or Company", "person_type")
    id_type = str(body.get("id_type") or "")
    if not id_type:
        raise required("id_type")
    if id_type not in cat.ID_TYPES:
        raise invalid("invalid_reference", f"The id_type {id_type} does not exist", "id_type")
    identification = _identification(body, id_type)
    try:
        branch = int(body.get("branch_office") or 0)
    except (TypeError, ValueError):
        branch = -1
    if not 0 <= branch <= 999:
        raise invalid("invalid_value", "The branch_office must be between 0 and 999", "branch_office")
    if store.customer_by_key(identification, branch) is not None:
        raise invalid("already_exists", f"The customer {identification} already exists", "identification")
    name = _name(body, person_type)
    address = _address(body)
    contacts = _contacts(body)
    related = body.get("related_users") or {}
    if related.get("seller_id") is not None and related["seller_id"] not in store.users:
        raise invalid("invalid_reference", "The seller does not exist", "related_users.seller_id")
    return {
        "id": store.new_id(),
        "type": body.get("type") or "Customer",
        "person_type": person_type,
        "id_type": {"code": id_type, "name": cat.ID_TYPES[id_type]},
        "identification": identification,
        "check_digit": cat.nit_check_digit(identification) if id_type == "31" else str(body.get("check_digit") or ""),
        "name": name,
        "commercial_name": str(body.get("commercial_name") or ""),
        "branch_office": branch,
        "active": body.get("active", True) is not False,
        "vat_responsible": bool(body.get("vat_responsible", False)),
        "fiscal_responsibilities": _fiscal(body),
        "address": address,
        "phones": list(body.get("phones") or []),
        "contacts": contacts,
        "comments": str(body.get("comments") or ""),
        "related_users": related,
        "metadata": {"created": siigo_timestamp(store.now()), "last_updated": None},
    }
