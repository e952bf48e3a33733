"""In-memory Facto account: emitted documents, folio counters per ``tipo_dte``, the draft knob.

Folios come from Facto's per-type correlative, starting at :data:`FIRST_FOLIOS` (a fresh account
has CAF ranges loaded somewhere; the values only need to differ per type). A ``folio`` sent in
the request is used as is and does **not** advance the correlative, as the doc warns.

There is no idempotency: Facto has no idempotency key and no query operation, so the same
``identificador_externo_doc`` sent twice is two documents with two folios, exactly like the real
service. ``draft_message`` set (``POST /_sandbox/draft``) makes every valid emission come back
with status 2: the document is saved with its folio and links but not sent to the SII.

Links are on a fake host (``descarga.facto.sandbox.invalid``) with the doc's shape
``/<YYYY>/<MM>/<hash>.<ext>``; ``dte_pdfcedible`` only for documents with a cedible copy (33, 34,
52 and exports), empty otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from puente_sandbox.facto.rules import Totals

FIRST_FOLIOS = {33: 4001, 34: 501, 39: 12001, 41: 801, 52: 2001, 56: 301, 61: 1001, 110: 101, 111: 101, 112: 101}
DOWNLOAD_HOST = "https://descarga.facto.sandbox.invalid"
CEDIBLE_TYPES = frozenset({33, 34, 52, 110})
DEFAULT_DRAFT_MESSAGE = (
    "Documento generado pero no fue posible enviar al S.I.I. - No fue posible autentificarse en servicio "
    "S.I.I. con el certificado digital seleccionado -"
)


@dataclass
class FactoDocument:
    seq: int
    status: int  # 0 sent to the SII, 2 draft (not sent)
    tipo_dte: int
    folio: int
    encabezado: dict[str, str]
    detalles: list[dict[str, str]]
    totales: Totals
    enlaces: dict[str, str]
    mensaje_error: str | None = None
    referencias: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "status": self.status,
            "tipo_dte": self.tipo_dte,
            "folio": self.folio,
            "fecha_emision": self.encabezado.get("fecha_emision"),
            "identificador_externo_doc": self.encabezado.get("identificador_externo_doc"),
            "receptor_rut": self.encabezado.get("receptor_rut"),
            "mensaje_error": self.mensaje_error,
            "encabezado": self.encabezado,
            "detalles": self.detalles,
            "referencias": self.referencias,
            "totales": self.totales.as_fields(),
            "enlaces": self.enlaces,
        }


class FactoStore:
    """One Facto company account. Not thread-safe: the app's event loop is its only user."""

    def __init__(self, first_folios: dict[int, int] | None = None) -> None:
        self.documents: list[FactoDocument] = []
        self.draft_message: str | None = None
        self._next_folio = dict(FIRST_FOLIOS if first_folios is None else first_folios)

    def links(self, tipo: int, folio: int, fecha: str) -> dict[str, str]:
        year, month = fecha[:4], fecha[5:7]

        def url(kind: str, ext: str) -> str:
            digest = hashlib.sha1(f"facto-sandbox-{tipo}-{folio}-{kind}".encode()).hexdigest()[:33]
            return f"{DOWNLOAD_HOST}/{year}/{month}/{digest}.{ext}"

        return {
            "dte_xml": url("xml", "xml"),
            "dte_pdf": url("pdf", "pdf"),
            "dte_pdfcedible": url("cedible", "pdf") if tipo in CEDIBLE_TYPES else "",
            "dte_timbre": url("timbre", "png"),
        }

    def emit(
        self,
        tipo: int,
        encabezado: dict[str, str],
        detalles: list[dict[str, str]],
        referencias: list[dict[str, str]],
        totales: Totals,
    ) -> FactoDocument:
        manual = encabezado.get("folio", "")
        if manual:
            folio = int(manual)
        else:
            folio = self._next_folio.get(tipo, 1)
            self._next_folio[tipo] = folio + 1
        header = {"tipo_dte": str(tipo), "folio": str(folio)}
        header.update({k: v for k, v in encabezado.items() if k not in header})
        document = FactoDocument(
            seq=len(self.documents) + 1,
            status=2 if self.draft_message else 0,
            tipo_dte=tipo,
            folio=folio,
            encabezado=header,
            detalles=detalles,
            totales=totales,
            enlaces=self.links(tipo, folio, encabezado.get("fecha_emision", "")),
            mensaje_error=self.draft_message,
            referencias=referencias,
        )
        self.documents.append(document)
        return document
