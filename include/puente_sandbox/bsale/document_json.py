"""Bsale document JSON, field for field as docs.bsale.dev shows a CL document (2023 example).

Amounts are floats (``12990.0``), dates unix seconds, relations ``{"href", "id": "<string>"}``.
``urlPdf``/``urlPublicView``/``urlXml`` keep Bsale's shapes (``/view/<cpnId>/<token>.pdf?sfd=99``,
``/v1/<cpnId>/files/<token>.xml``) but point at the sandbox's own host, which does not serve
them: they are identifiers to store and pass on, not files to fetch. ``client`` is ``null`` when
the document has none (a boleta without client data). ``expand=[details]`` inlines the details
page; ``document_type`` and ``office`` can be expanded too.
"""

from __future__ import annotations

from typing import Any

from puente_sandbox.bsale.document_book import BsaleDocument, DocumentLine
from puente_sandbox.bsale.serializers import document_type_json, link, number, office_json, rel
from puente_sandbox.catalog_models import BsaleOffice

CPN_ID = 18790  # the sandbox company's id inside Bsale's public URLs
ZERO_AMOUNTS = (
    "exportTotalAmount", "exportNetAmount", "exportTaxAmount", "exportExemptAmount", "commissionRate",
    "commissionNetAmount", "commissionTaxAmount", "commissionTotalAmount", "percentageTaxWithheld",
    "purchaseTaxAmount", "purchaseTotalAmount",
)  # fmt: skip


def detail_json(base: str, doc: BsaleDocument, line: DocumentLine, index: int) -> dict[str, Any]:
    rate = 1.19 if line.taxed else 1.0
    variant = None
    if line.variant_id is not None:
        variant = {
            "href": f"{base}/v1/variants/{line.variant_id}.json",
            "id": line.variant_id,
            "description": line.description,
            "code": line.code,
        }
    return {
        "href": f"{base}/v1/documents/{doc.id}/details/{line.id}.json",
        "id": line.id,
        "lineNumber": index,
        "quantity": float(line.quantity),
        "netUnitValue": float(line.net_unit_value),
        "totalUnitValue": round(float(line.net_unit_value) * rate, 2),
        "netAmount": float(line.net_amount),
        "taxAmount": float(line.tax_amount),
        "totalAmount": float(line.total_amount),
        "netDiscount": float(line.net_discount),
        "totalDiscount": float(round(line.net_discount * rate)),
        "variant": variant,
        "note": line.comment,
        "relatedDetailId": 0,
    }


def details_page(base: str, doc: BsaleDocument, limit: int = 25, offset: int = 0) -> dict[str, Any]:
    rows = doc.lines[offset : offset + limit]
    page: dict[str, Any] = {
        "href": f"{base}/v1/documents/{doc.id}/details.json",
        "count": len(doc.lines),
        "limit": limit,
        "offset": offset,
        "items": [detail_json(base, doc, line, offset + i) for i, line in enumerate(rows)],
    }
    if offset + limit < len(doc.lines):
        page["next"] = f"{base}/v1/documents/{doc.id}/details.json?limit={limit}&offset={offset + limit}"
    return page


def document_json(
    base: str, doc: BsaleDocument, offices: dict[int, BsaleOffice], expand: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    view = f"{base}/view/{CPN_ID}/{doc.token}"
    client = doc.client or {}
    body: dict[str, Any] = {
        "href": f"{base}/v1/documents/{doc.id}.json",
        "id": doc.id,
        "emissionDate": doc.emission_date,
        "expirationDate": doc.expiration_date,
        "generationDate": doc.generation_date,
        "rcofDate": doc.emission_date,
        "number": doc.number,
        "serialNumber": None,
        "trackingNumber": None,
        "totalAmount": float(doc.total_amount),
        "netAmount": float(doc.net_amount),
        "taxAmount": float(doc.tax_amount),
        "exemptAmount": float(doc.exempt_amount),
        **{name: 0.0 for name in ZERO_AMOUNTS},
        "address": client.get("address") or "",
        "municipality": client.get("municipality") or "",
        "city": client.get("city") or "",
        "urlTimbre": None,
        "urlPublicView": f"{view}?sfd=99",
        "urlPdf": f"{view}.pdf?sfd=99",
        "urlPublicViewOriginal": view,
        "urlPdfOriginal": f"{view}.pdf",
        "token": doc.token,
        "state": doc.state,
        "commercialState": 0,
        "urlXml": f"{base}/v1/{CPN_ID}/files/{doc.token}.xml",
        "ted": None,
        "salesId": doc.sales_id,
        "informedSii": doc.informed_sii,
        "responseMsgSii": None,
        "document_type": rel(base, "document_types", int(doc.document_type["id"])),
        "client": None if doc.client_id is None else rel(base, "clients", doc.client_id),
        "office": rel(base, "offices", doc.office_id),
        "user": rel(base, "users", 1),
        "coin": rel(base, "coins", 1),
        "references": link(base, f"documents/{doc.id}/references"),
        "document_taxes": link(base, f"documents/{doc.id}/document_taxes"),
        "details": link(base, f"documents/{doc.id}/details"),
        "sellers": link(base, f"documents/{doc.id}/sellers"),
    }
    if "details" in expand:
        body["details"] = details_page(base, doc)
    if "document_type" in expand:
        body["document_type"] = document_type_json(base, doc.document_type)
    if "office" in expand:
        body["office"] = office_json(base, offices[doc.office_id])
    return body


def inspection_json(doc: BsaleDocument) -> dict[str, Any]:
    """``GET /_sandbox/documents``: everything a test asserts on, without URLs."""
    return {
        "id": doc.id,
        "number": doc.number,
        "codeSii": doc.code_sii,
        "documentTypeId": int(doc.document_type["id"]),
        "salesId": doc.sales_id,
        "officeId": doc.office_id,
        "priceListId": doc.price_list_id,
        "emissionDate": doc.emission_date,
        "dispatched": doc.dispatched,
        "declareSii": doc.declare_sii,
        "client": None if doc.client is None else dict(doc.client),
        "details": [
            {
                "detailId": line.id,
                "variantId": line.variant_id,
                "code": line.code,
                "comment": line.comment,
                "quantity": line.quantity,
                "netUnitValue": number(line.net_unit_value),
                "discount": number(line.discount),
                "taxed": line.taxed,
                "netAmount": line.net_amount,
                "taxAmount": line.tax_amount,
                "totalAmount": line.total_amount,
            }
            for line in doc.lines
        ],
        "payments": doc.payments,
        "references": doc.references,
        "netAmount": doc.net_amount,
        "taxAmount": doc.tax_amount,
        "exemptAmount": doc.exempt_amount,
        "totalAmount": doc.total_amount,
    }
