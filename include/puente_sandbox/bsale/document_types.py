"""The document types a Chilean Bsale account typically has (shape from docs.bsale.dev).

``codeSii`` is a string (33 factura, 39 boleta, 61 nota de crédito, ...) and ``id`` is the
per-account id a document must reference (``documentTypeId`` in ``POST /v1/documents.json``, or
send ``codeSii`` instead). Only active types with ``use`` 0 (sales) are accepted there.
"""

from __future__ import annotations

from typing import Any

_BASE: dict[str, Any] = {
    "initialNumber": 1,
    "codeSii": "",
    "isElectronicDocument": 1,
    "breakdownTax": 1,
    "use": 0,
    "isSalesNote": 0,
    "isExempt": 0,
    "restrictsTax": 0,
    "useClient": 0,
    "messageBodyFormat": None,
    "thermalPrinter": 1,
    "state": 0,
    "copyNumber": 1,
    "isCreditNote": 0,
    "continuedHigh": 0,
    "ledgerAccount": None,
    "ipadPrint": 0,
    "ipadPrintHigh": "0",
}

_TYPES: tuple[dict[str, Any], ...] = (
    {
        "id": 1,
        "name": "NOTA VENTA",
        "codeSii": "",
        "isElectronicDocument": 0,
        "isSalesNote": 1,
        "useClient": 1,
    },
    {"id": 2, "name": "FACTURA ELECTRÓNICA", "codeSii": "33", "useClient": 1},
    {"id": 3, "name": "BOLETA ELECTRÓNICA", "codeSii": "39"},
    {
        "id": 4,
        "name": "FACTURA NO AFECTA O EXENTA ELECTRÓNICA",
        "codeSii": "34",
        "isExempt": 1,
        "useClient": 1,
    },
    {
        "id": 5,
        "name": "NOTA DE CRÉDITO ELECTRÓNICA",
        "codeSii": "61",
        "use": 1,
        "isCreditNote": 1,
        "useClient": 1,
    },
    {"id": 6, "name": "GUÍA DE DESPACHO ELECTRÓNICA", "codeSii": "52", "use": 2, "useClient": 1},
)


def default_document_types() -> list[dict[str, Any]]:
    return [{"id": t["id"], "name": t["name"], **{**_BASE, **t}} for t in _TYPES]
