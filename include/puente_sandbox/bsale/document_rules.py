"""``POST /v1/documents.json``: Bsale's validation rules, checked in order, all-or-nothing.

Every rejection is 400 ``{"error": "<message>"}`` with the wording of Bsale's FAQ where it has one
(marked FAQ), otherwise inferred. Nothing is stored and no stock moves unless every rule passes.

1. Document type from ``documentTypeId`` or ``codeSii`` (``documentTypeId`` wins); unknown,
   inactive or not a sales type (credit notes go to ``returns.json``): ``invalid documentType``
   (FAQ).
2. ``salesId`` (string, max 255): if a document **of the same type** already has it, that
   document is returned as it is, 201 like a creation, nothing new is created and no stock moves
   (docs.bsale.dev: "si ya existe retornará el documento que se generó previamente"). This runs
   before the rules below, so a retry after a lost response gets the original even if stock has
   changed since. Another type with the same salesId is a new document.
3. ``officeId`` (default: main office) unknown: ``invalid office``; ``priceListId`` (default: the
   office's default list) unknown: ``invalid price list`` (FAQ).
4. ``details`` must be a non-empty list of objects, else ``Invalid JSON object`` (FAQ). A line
   names a variant by ``variantId``, ``code`` (SKU) or ``barCode``; an unknown or inactive variant
   is ``invalid variant`` (FAQ). Without a variant the line is free text and needs ``comment``
   (else ``invalid variant``); ``detailId`` copies are not supported (``invalid reference
   detail``, FAQ). ``quantity`` must be > 0 (``invalid quantity``, FAQ). ``netUnitValue`` defaults
   to the price list's net value for variant lines; zero or negative is ``Invalid net unit value,
   zero or negative values are not allowed for this type of document`` (FAQ) for electronic
   types; a zero line is sent as a positive price with ``discount: 100``. ``discount`` is a
   percentage in [0, 100] (negative: ``Invalid percentage, negative values are not allowed for
   this type of document``, FAQ). ``taxId`` is a string like ``"[1]"`` (1 = IVA 19 %); without it
   the line is exempt, as the docs warn.
5. Client: ``clientId`` (unknown: ``client not found``, inferred) or a ``client`` object. Facturas
   (33, 34), débito (56) and guías (52) need ``code, activity, address, city, municipality``:
   ``client attribute required : <missing, in that order>`` (FAQ lists all five; the sandbox lists
   the missing ones). A boleta's client is optional.
6. ``dispatch: 1`` delivers now and takes stock from the office: a serial-numbered variant line
   without the serial in ``comment`` is ``Use 'comment' to especify the serie of detailid to
   dispatch.`` (FAQ, sic); then stock is checked per variant (summed over lines):
   ``There is no stock for this products: <code>`` when none is available, ``There is a problem
   with the available quantity for your products`` when less than asked (FAQ). Variants with
   unlimited stock or negative stock allowed, and products without stock control (packs,
   services), always pass. ``dispatch: 0`` moves no stock and skips both checks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from puente_sandbox.bsale.document_book import BsaleDocument, DocumentLine
from puente_sandbox.bsale.store import BsaleRuleError, BsaleStore
from puente_sandbox.bsale.vendor import INVALID_JSON, as_int, as_number
from puente_sandbox.catalog_models import BsaleVariant

INVALID_DOCUMENT_TYPE = "invalid documentType"
INVALID_VARIANT = "invalid variant"
NET_VALUE_ERROR = "Invalid net unit value, zero or negative values are not allowed for this type of document"
PERCENTAGE_ERROR = "Invalid percentage, negative values are not allowed for this type of document"
SERIAL_ERROR = "Use 'comment' to especify the serie of detailid to dispatch."
REQUIRED_CLIENT_ATTRIBUTES = ("code", "activity", "address", "city", "municipality")
CLIENT_REQUIRED_CODES = frozenset({"33", "34", "52", "56"})
IVA_TAX_ID = 1


@dataclass
class ParsedLine:
    line: DocumentLine
    variant: BsaleVariant | None


def resolve_type(store: BsaleStore, body: dict[str, Any]) -> dict[str, Any]:
    type_id, code = as_int(body.get("documentTypeId")), body.get("codeSii")
    for candidate in store.document_types:
        if type_id is not None:
            matched = candidate["id"] == type_id
        else:
            matched = code is not None and candidate["codeSii"] != "" and candidate["codeSii"] == str(code).strip()
        if matched and candidate["state"] == 0 and candidate["use"] == 0:
            return candidate
    raise BsaleRuleError(INVALID_DOCUMENT_TYPE)


def _tax_ids(raw: Any) -> set[int]:
    if raw is None:
        return set()
    values = raw if isinstance(raw, list) else str(raw).strip().strip("[]").split(",")
    ids = {as_int(str(v).strip()) for v in values if str(v).strip()}
    if None in ids:
        raise BsaleRuleError(INVALID_JSON)
    return {i for i in ids if i is not None}


def _variant_of(store: BsaleStore, detail: dict[str, Any]) -> BsaleVariant | None:
    if all(detail.get(k) is None for k in ("variantId", "code", "barCode")):
        return None
    variant = store.resolve_line_variant(detail)
    if variant is None or variant.state != 0:
        raise BsaleRuleError(INVALID_VARIANT)
    return variant


def parse_line(
    store: BsaleStore, detail: Any, price_list_id: int, electronic: bool, detail_id: int
) -> ParsedLine:
    if not isinstance(detail, dict):
        raise BsaleRuleError(INVALID_JSON)
    variant = _variant_of(store, detail)
    comment = str(detail.get("comment") or "")
    if variant is None:
        if detail.get("detailId") is not None:
            raise BsaleRuleError("invalid reference detail")
        if not comment.strip():
            raise BsaleRuleError(INVALID_VARIANT)
    quantity = as_number(detail.get("quantity"))
    if quantity is None or quantity <= 0:
        raise BsaleRuleError("invalid quantity")
    net = as_number(detail.get("netUnitValue"))
    if net is None and variant is not None and (price := store.detail_for(price_list_id, variant.id)):
        net = price.variant_value
    if net is None or (electronic and net <= 0):
        raise BsaleRuleError(NET_VALUE_ERROR)
    discount = as_number(detail.get("discount", 0)) if detail.get("discount") is not None else 0.0
    if discount is None or discount < 0:
        raise BsaleRuleError(PERCENTAGE_ERROR)
    if discount > 100:
        raise BsaleRuleError("invalid discount")
    line = DocumentLine(
        id=detail_id,
        variant_id=None if variant is None else variant.id,
        code=None if variant is None else variant.code,
        description=comment if variant is None else variant.description,
        comment=comment,
        quantity=quantity,
        net_unit_value=net,
        discount=discount,
        taxed=IVA_TAX_ID in _tax_ids(detail.get("taxId")),
    )
    return ParsedLine(line, variant)


def resolve_client(store: BsaleStore, body: dict[str, Any], document_type: dict[str, Any]) -> dict[str, Any] | None:
    """The client the document will carry (not yet registered), after the attribute rule."""
    if body.get("clientId") is not None:
        client = store.book.clients.get(as_int(body["clientId"]) or 0)
        if client is None:
            raise BsaleRuleError("client not found")
    else:
        raw = body.get("client")
        if raw is not None and not isinstance(raw, dict):
            raise BsaleRuleError(INVALID_JSON)
        client = raw
    if document_type["codeSii"] in CLIENT_REQUIRED_CODES:
        missing = [a for a in REQUIRED_CLIENT_ATTRIBUTES if not str((client or {}).get(a) or "").strip()]
        if missing:
            raise BsaleRuleError(f"client attribute required : {','.join(missing)}")
    return client


def check_dispatch(store: BsaleStore, office_id: int, parsed: list[ParsedLine]) -> dict[int, float]:
    """Serial and stock rules for ``dispatch: 1``; returns the units to take per variant."""
    wanted: dict[int, float] = {}
    for item in parsed:
        variant = item.variant
        if variant is None:
            continue
        if variant.serial_number and not item.line.comment.strip():
            raise BsaleRuleError(SERIAL_ERROR)
        if store.products[variant.product_id].stock_control:
            wanted[variant.id] = wanted.get(variant.id, 0.0) + item.line.quantity
    store.check_available(office_id, wanted)
    return wanted


def _office_and_list(store: BsaleStore, body: dict[str, Any]) -> tuple[int, int]:
    office_id = store.main_office_id() if body.get("officeId") is None else as_int(body["officeId"])
    if office_id not in store.offices:
        raise BsaleRuleError("invalid office")
    default_list = store.offices[office_id].default_price_list_id
    price_list_id = default_list if body.get("priceListId") is None else as_int(body["priceListId"])
    if price_list_id not in store.price_lists or store.price_lists[price_list_id].state != 0:
        raise BsaleRuleError("invalid price list")
    return office_id, price_list_id


def _list_of(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise BsaleRuleError(INVALID_JSON)
    return value


def create_document(store: BsaleStore, body: dict[str, Any]) -> BsaleDocument:
    """Validate, then commit (stock first, then the book). Raises :class:`BsaleRuleError`."""
    document_type = resolve_type(store, body)
    sales_id = str(body["salesId"]).strip()[:255] if body.get("salesId") not in (None, "") else None
    if sales_id and (existing := store.book.by_sales_id(document_type["id"], sales_id)) is not None:
        return existing
    office_id, price_list_id = _office_and_list(store, body)
    details = body.get("details")
    if not isinstance(details, list) or not details:
        raise BsaleRuleError(INVALID_JSON)
    electronic = bool(document_type["isElectronicDocument"])
    detail_ids = range(len(details))
    parsed = [parse_line(store, d, price_list_id, electronic, i) for d, i in zip(details, detail_ids, strict=True)]
    client = resolve_client(store, body, document_type)
    payments, references = _list_of(body, "payments"), _list_of(body, "references")
    dispatch = as_int(body.get("dispatch")) == 1
    wanted = check_dispatch(store, office_id, parsed) if dispatch else {}
    # every rule passed: commit
    store.take_stock(office_id, wanted)
    for item, detail_id in zip(parsed, store.book.detail_ids(len(parsed)), strict=True):
        item.line.id = detail_id
    client_id = None
    if client is not None:
        client_id = client["id"] if "id" in client and body.get("clientId") is not None else None
        client_id = client_id or store.book.register_client(client)
    doc_id, number = store.book.next_ids(document_type)
    emission = as_int(body.get("emissionDate")) or store.business_date
    document = BsaleDocument(
        id=doc_id,
        number=number,
        document_type=document_type,
        office_id=office_id,
        price_list_id=price_list_id,
        emission_date=emission,
        expiration_date=as_int(body.get("expirationDate")) or emission,
        generation_date=int(time.time()),  # when it was made, as Bsale stamps it (a salesId re-send keeps it)
        sales_id=sales_id,
        client_id=client_id,
        client=None if client_id is None else store.book.clients[client_id],
        lines=[item.line for item in parsed],
        declare_sii=as_int(body.get("declareSii")) or 0,
        dispatched=dispatch,
        seller_id=as_int(body.get("sellerId")),
        send_email=as_int(body.get("sendEmail")) or 0,
        payments=payments,
        references=references,
    )
    return store.book.add(document)
