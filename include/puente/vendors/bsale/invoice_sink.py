"""Invoice drafts -> Bsale documents (boleta 39 / factura 33), exactly once via ``salesId``.

Bsale returns the existing document when a ``salesId`` is sent again, so a send whose outcome
is unknown is simply sent again: ``idempotent = True``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal

from puente.models import InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente.vendors.bsale.settings import BsaleSettings

SII_CODES = {"boleta": 39, "factura": 33}
VAT_TAX_ID = "[1]"  # Bsale's IVA tax id, sent as a string

# Bsale's documented messages -> what a person has to do about them.
MESSAGE_CATEGORIES = (
    ("there is no stock", rules.NO_STOCK),
    ("available quantity", rules.NO_STOCK),
    ("especify the serie", rules.SERIAL_REQUIRED),
    ("specify the serie", rules.SERIAL_REQUIRED),
    ("client attribute required", rules.CLIENT_INCOMPLETE),
    ("client is required", rules.CLIENT_INCOMPLETE),
    ("client attributes required", rules.CLIENT_INCOMPLETE),
    ("invalid variant", rules.UNLINKED_SKU),
)


def _money(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _unix(value) -> datetime | None:
    """Bsale's Unix-seconds ``generationDate`` (when the document was made): a salesId re-send returns
    the earlier document with its own, older, date."""
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) and value > 0 else None


class BsaleInvoiceSink:
    idempotent = True
    requires_linked_skus = True

    def __init__(self, settings: BsaleSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.bsale.hook import BsaleHook

            hook = BsaleHook(bsale_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def payload(self, draft: InvoiceDraft) -> dict:
        day = int(datetime.combine(draft.issue_date, time.min, tzinfo=UTC).timestamp())
        configured = {"boleta": self.settings.boleta_document_type_id,
                      "factura": self.settings.factura_document_type_id}[draft.kind]
        body: dict = {"documentTypeId": configured} if configured else {"codeSii": SII_CODES[draft.kind]}
        body |= {
            "officeId": self.settings.office_id,
            "emissionDate": day,
            "expirationDate": day,
            "declareSii": int(self.settings.declare_sii),
            "dispatch": int(self.settings.dispatch),
            "salesId": draft.reference,
            "details": [self._detail(line) for line in draft.lines],
        }
        if self.settings.price_list_id:
            body["priceListId"] = self.settings.price_list_id
        if self.settings.seller_id:
            body["sellerId"] = self.settings.seller_id
        if self.settings.send_email:
            body["sendEmail"] = 1
        if draft.client is not None:
            body["client"] = self._client(draft)
        return body

    @staticmethod
    def _detail(line) -> dict:
        detail = {"quantity": _money(line.quantity), "netUnitValue": _money(line.net_unit_price), "taxId": VAT_TAX_ID}
        if line.sku:
            detail["code"] = line.sku
        else:
            detail["comment"] = line.description
        return detail

    @staticmethod
    def _client(draft: InvoiceDraft) -> dict:
        client = draft.client
        first, _, last = (client.name or "").partition(" ")
        fields = {
            "code": client.doc_number, "company": client.company, "activity": client.activity,
            "address": client.address, "municipality": client.municipality, "city": client.city,
            "email": client.email, "firstName": first or None, "lastName": last or None,
            "companyOrPerson": 1 if draft.kind == "factura" else 0,
        }
        return {key: value for key, value in fields.items() if value not in (None, "")}

    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        document = self.hook.create_document(self.payload(draft))
        return InvoiceRecord(
            doc_id=str(document["id"]), number=str(document.get("number") or "") or None, kind=draft.kind,
            url=document.get("urlPdf") or document.get("urlPublicView"),
            total=Decimal(str(document["totalAmount"])) if document.get("totalAmount") is not None else None,
            created_at=_unix(document.get("generationDate")),
        )

    @staticmethod
    def categorize(message: str | None) -> str:
        lowered = (message or "").lower()
        return next((category for needle, category in MESSAGE_CATEGORIES if needle in lowered), rules.VENDOR_REJECTED)
