"""``POST /contacts`` rules for a Colombian account (notes sections 3 and 6).

* The identification is written as an **object** ``{"type", "number"}`` while reads return it as a
  string; for Colombia the documented name is ``identificationObject`` (inferred). Both names are
  accepted, and a plain string with a separate type is read too (lenient, inferred).
* Identification types: RC, TI, CC, TE, CE, NIT, PP, PEP, DIE, NUIP, FOREIGN_NIT. The NIT check
  digit (DV) is computed by Alegra (per the notes' CLI) and returned in ``identificationObject.dv``.
* ``kindOfPerson``: ``LEGAL_ENTITY`` | ``PERSON_ENTITY``. Regimes: ``SIMPLIFIED_REGIME``,
  ``COMMON_REGIME``, ``NOT_REPONSIBLE_FOR_CONSUMPTION`` (sic; company only), ``SPECIAL_REGIME``
  (company only), ``NATIONAL_CONSUMPTION_TAX``, ``INC_IVA_RESPONSIBLE``. An invalid value is a 400
  (code inferred).
* ``name`` is a string or ``{firstName, secondName, lastName, secondLastName}`` for people; reads
  return the joined string (inferred).
* A second contact with the same identification is refused (inferred: keeps "find, else create"
  flows exactly-once; Alegra's real behaviour was not read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from puente_sandbox.alegra.seed import nit_dv
from puente_sandbox.alegra.vendor import CODE_CONTACT_DUPLICATE, CODE_CONTACT_INVALID, as_id, invalid, required

if TYPE_CHECKING:
    from puente_sandbox.alegra.store import AlegraStore

IDENTIFICATION_TYPES = frozenset({"RC", "TI", "CC", "TE", "CE", "NIT", "PP", "PEP", "DIE", "NUIP", "FOREIGN_NIT"})
KINDS_OF_PERSON = frozenset({"LEGAL_ENTITY", "PERSON_ENTITY"})
REGIMES = frozenset({"SIMPLIFIED_REGIME", "COMMON_REGIME", "NOT_REPONSIBLE_FOR_CONSUMPTION", "SPECIAL_REGIME",
                     "NATIONAL_CONSUMPTION_TAX", "INC_IVA_RESPONSIBLE"})  # fmt: skip
COMPANY_ONLY_REGIMES = frozenset({"NOT_REPONSIBLE_FOR_CONSUMPTION", "SPECIAL_REGIME"})
CONTACT_TYPES = frozenset({"client", "provider"})


def _identification(body: dict[str, Any]) -> dict[str, str]:
    raw = body.get("identificationObject") or body.get("identification")
    if isinstance(raw, dict):
        kind, num = raw.get("type"), raw.get("number")
    else:
        kind, num = body.get("identificationType"), raw
    if not num:
        raise required("identification")
    if not kind:
        raise required("identification.type")
    if kind not in IDENTIFICATION_TYPES:
        raise invalid(f"El tipo de identificación {kind!r} no es válido para Colombia", CODE_CONTACT_INVALID)
    number = str(num).strip()
    return {"type": str(kind), "number": number, **({"dv": nit_dv(number)} if kind == "NIT" else {})}


def _name(raw: Any) -> str:
    if isinstance(raw, dict):
        parts = [raw.get(k) for k in ("firstName", "secondName", "lastName", "secondLastName")]
        return " ".join(str(p).strip() for p in parts if p)
    return str(raw or "").strip()


def build_contact(store: AlegraStore, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a create payload and return the stored contact shape (id assigned by the store)."""
    name = _name(body.get("name"))
    if not name:
        raise required("name")
    ident = _identification(body)
    kind = body.get("kindOfPerson") or ("LEGAL_ENTITY" if ident["type"] == "NIT" else "PERSON_ENTITY")
    if kind not in KINDS_OF_PERSON:
        raise invalid(f"El tipo de persona {kind!r} no es válido", CODE_CONTACT_INVALID)
    regime = body.get("regime") or "SIMPLIFIED_REGIME"
    if regime not in REGIMES:
        raise invalid(f"El régimen {regime!r} no es válido para Colombia", CODE_CONTACT_INVALID)
    if regime in COMPANY_ONLY_REGIMES and kind != "LEGAL_ENTITY":
        raise invalid(f"El régimen {regime} solo aplica a personas jurídicas", CODE_CONTACT_INVALID)
    if store.contact_by_identification(ident["number"]) is not None:
        raise invalid(f"Ya existe un contacto con la identificación {ident['number']}", CODE_CONTACT_DUPLICATE)
    types = body.get("type") or ["client"]
    types = [types] if isinstance(types, str) else list(types)
    if not set(types) <= CONTACT_TYPES:
        raise invalid("El campo type debe ser client y/o provider", CODE_CONTACT_INVALID)
    seller_id, list_id, term_id = (as_id(body.get(k)) for k in ("seller", "priceList", "term"))
    seller = store.sellers.get(seller_id) if seller_id else None
    if seller_id and seller is None:
        raise invalid(f"El vendedor con id {seller_id} no existe")
    if list_id and list_id not in store.price_lists:
        raise invalid(f"La lista de precios con id {list_id} no existe")
    address = body.get("address") if isinstance(body.get("address"), dict) else {}
    return {
        "id": None, "name": name, "identification": ident["number"], "identificationObject": ident,
        "email": body.get("email") or "", "phonePrimary": body.get("phonePrimary") or "",
        "mobile": body.get("mobile") or "", "type": types, "kindOfPerson": kind, "regime": regime,
        "address": {"address": "", "city": "", "department": "", "country": "Colombia", "zipCode": "", **address},
        "seller": {"id": seller["id"], "name": seller["name"]} if seller else None,
        "priceList": {"id": list_id, "name": store.price_lists[list_id]["name"]} if list_id else None,
        "term": {"id": term_id} if term_id else None, "status": "active",
    }  # fmt: skip
