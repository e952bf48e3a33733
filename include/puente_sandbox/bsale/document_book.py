"""Bsale sales documents as stored records, and the book that numbers and indexes them.

Numbering: document ids start at 10001 and grow across all types; the folio (``number``) is
sequential **per document type**, from the type's ``initialNumber`` (1), so a factura and a boleta
can both be number 1: only ``(document type, number)`` identifies a document, which is how the
SII sees it too. ``salesId`` is indexed per document type (the idempotency key of
``POST /v1/documents.json``). Clients are registered by ``code`` (RUT) the first time a document
names them, and reused afterwards, like Bsale's client book.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FIRST_DOCUMENT_ID = 10001
FIRST_DETAIL_ID = 70001
FIRST_CLIENT_ID = 301
IVA = Decimal("0.19")
CLIENT_FIELDS = (
    "code", "company", "activity", "address", "municipality", "city", "email", "firstName",
    "lastName", "companyOrPerson",
)  # fmt: skip


def peso(value: Decimal) -> int:
    """Round half up to the whole peso, the SII rule for DTE amounts."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(slots=True)
class DocumentLine:
    """One ``details[]`` line after validation, with its amounts in whole pesos.

    ``net_amount`` = round(netUnitValue * quantity * (1 - discount/100)); ``tax_amount`` =
    round(net_amount * 19 %) for lines taxed with IVA (``taxId`` containing 1), else 0 (exempt).
    """

    id: int
    variant_id: int | None
    code: str | None
    description: str
    comment: str
    quantity: float
    net_unit_value: float
    discount: float
    taxed: bool
    net_amount: int = 0
    tax_amount: int = 0
    net_discount: int = 0

    def compute(self) -> None:
        gross = Decimal(repr(float(self.net_unit_value))) * Decimal(repr(float(self.quantity)))
        discount = gross * Decimal(repr(float(self.discount))) / 100
        self.net_amount = peso(gross - discount)
        self.net_discount = peso(discount)
        self.tax_amount = peso(self.net_amount * IVA) if self.taxed else 0

    @property
    def total_amount(self) -> int:
        return self.net_amount + self.tax_amount


@dataclass
class BsaleDocument:
    """A committed document. Totals: ``netAmount`` = sum of taxed line nets, ``exemptAmount`` =
    sum of untaxed line nets, ``taxAmount`` = round(netAmount * 19 %) on the document total (not
    the sum of line taxes), ``totalAmount`` = net + tax + exempt, all whole CLP."""

    id: int
    number: int
    document_type: dict[str, Any]
    office_id: int
    price_list_id: int
    emission_date: int
    expiration_date: int
    generation_date: int
    sales_id: str | None
    client_id: int | None
    client: dict[str, Any] | None
    lines: list[DocumentLine]
    declare_sii: int
    dispatched: bool
    seller_id: int | None = None
    send_email: int = 0
    payments: list[Any] = field(default_factory=list)
    references: list[Any] = field(default_factory=list)
    state: int = 0
    net_amount: int = 0
    tax_amount: int = 0
    exempt_amount: int = 0

    def __post_init__(self) -> None:
        for line in self.lines:
            line.compute()
        self.net_amount = sum(line.net_amount for line in self.lines if line.taxed)
        self.exempt_amount = sum(line.net_amount for line in self.lines if not line.taxed)
        self.tax_amount = peso(self.net_amount * IVA)

    @property
    def total_amount(self) -> int:
        return self.net_amount + self.tax_amount + self.exempt_amount

    @property
    def code_sii(self) -> str:
        return str(self.document_type["codeSii"])

    @property
    def token(self) -> str:
        return hashlib.sha1(f"bsale-sandbox-document-{self.id}".encode()).hexdigest()[:12]

    @property
    def informed_sii(self) -> int:
        """0 ("correcto") when declared to the (always accepting) sandbox SII, else 1."""
        return 0 if self.declare_sii and self.document_type["isElectronicDocument"] else 1


class DocumentBook:
    """Every document of the account, plus folio counters and the salesId and client indexes."""

    def __init__(self) -> None:
        self.documents: dict[int, BsaleDocument] = {}
        self.clients: dict[int, dict[str, Any]] = {}
        self._by_sales_id: dict[tuple[int, str], int] = {}
        self._client_by_code: dict[str, int] = {}
        self._next_number: dict[int, int] = {}
        self._next_id = FIRST_DOCUMENT_ID
        self._next_detail_id = FIRST_DETAIL_ID

    def by_sales_id(self, document_type_id: int, sales_id: str) -> BsaleDocument | None:
        doc_id = self._by_sales_id.get((document_type_id, sales_id))
        return None if doc_id is None else self.documents[doc_id]

    def detail_ids(self, count: int) -> list[int]:
        first = self._next_detail_id
        self._next_detail_id += count
        return list(range(first, first + count))

    def register_client(self, given: dict[str, Any]) -> int:
        """Find the client by ``code`` (RUT) and refresh its data, or create it."""
        code = str(given.get("code") or "").strip()
        client_id = self._client_by_code.get(code) if code else None
        if client_id is None:
            client_id = FIRST_CLIENT_ID + len(self.clients)
            self.clients[client_id] = {"id": client_id}
            if code:
                self._client_by_code[code] = client_id
        record = self.clients[client_id]
        record.update({k: given[k] for k in CLIENT_FIELDS if given.get(k) is not None})
        return client_id

    def next_ids(self, document_type: dict[str, Any]) -> tuple[int, int]:
        """``(id, number)`` for a new document of this type; consumed only by :meth:`add`."""
        type_id = int(document_type["id"])
        number = self._next_number.get(type_id, int(document_type.get("initialNumber") or 1))
        return self._next_id, number

    def add(self, document: BsaleDocument) -> BsaleDocument:
        type_id = int(document.document_type["id"])
        self.documents[document.id] = document
        self._next_id = document.id + 1
        self._next_number[type_id] = document.number + 1
        if document.sales_id:
            self._by_sales_id[(type_id, document.sales_id)] = document.id
        return document
