"""Invoice drafts -> Contabilium comprobantes (AFIP facturas A/B/C), with the client found or created once.

Per order: the client is found by CUIT/DNI (``GetClientByDoc``), or by e-mail when the buyer gave
no document, else created ("Agendar automáticamente a los clientes"); Contabilium refuses a
second client with the same document (HTTP 500 "ya se encuentra registrado"), which the hook
turns into the existing one, so two workers meeting the same new buyer still make one client.
The comprobante is created, authorised with AFIP and collected in one call (``emitirFECobrada``, ``RefExterna`` = our
reference) with the documented ``FCA/FCB/FCC`` code; the letter follows AFIP's rule from the
issuer's and the client's IVA conditions (``hooks.contabilium.invoice_letter``). When configured,
the authorised comprobante is then e-mailed to the buyer.

``idempotent = False``: the vendor notes know no idempotency key, and no documented way to ask
whether a comprobante exists for our reference. Our reference is in both ``RefExterna`` and
``Observaciones``, so after a lost answer (or before re-sending an order a dead worker may have
sent: ``find``) the sink looks on two paths: ``comprobantes/search`` with the reference as
``filtro`` (free text whose fields are not documented), and, when that finds nothing, again after
``lookup_retry_delay_seconds`` plus every comprobante of the days the factura can carry (the date
range alone, paged to the end, matched here by reference and total), which does not depend on what
``filtro`` covers. Found with a CAE: that is the document. Found without one, or with another total:
a person decides. Found on neither path: the factura does not exist, so the send is retried (up to
``MAX_SENDS`` in the task, then by the next run as a transient failure). Only when the lookups
themselves fail does the order become ``uncertain``. A failure of the e-mail after the comprobante
exists is logged and does not undo or repeat the invoice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from puente.models import Buyer, InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente.vendors.contabilium.settings import ContabiliumSettings

log = logging.getLogger(__name__)

CONSUMIDOR_FINAL = "CF"
GENERIC_CLIENT_NAME = "Consumidor Final"
OBSERVATION_PREFIX = "Venta web "  # + our reference, on every comprobante
DUE_DAYS = 10  # FechaVencimiento: the notes' example gives ten days
PRODUCTS, PRODUCTS_AND_SERVICES = 1, 3  # TipoConcepto
MAX_SENDS = 3  # emitirFECobrada sends per order in one task, each after the lookups proved the last absent
TOTAL_TOLERANCE = Decimal("1.00")  # pesos: Contabilium rounds IVA per line, our total is the order's

# Contabilium's (sandbox-verified) messages -> what a person has to do about them.
MESSAGE_CATEGORIES = (
    ("concepto", rules.UNLINKED_SKU),
    ("cliente", rules.CLIENT_INCOMPLETE),
    ("documento", rules.CLIENT_INCOMPLETE),
    ("condición de iva", rules.CLIENT_INCOMPLETE),
    ("cuit", rules.CLIENT_INCOMPLETE),
    ("buyer", rules.CLIENT_INCOMPLETE),
    ("stock", rules.NO_STOCK),
)

# (conn id, SKU) -> concepto Id: ids never change, and every worker thread of a task shares them,
# so a SKU costs one call per process instead of one per thread (the budget is 30 calls per 10 s).
_CONCEPT_IDS: dict[tuple[str, str], int | None] = {}
_CONCEPT_LOCK = threading.Lock()


def clear_concept_cache() -> None:
    """Forget the cached concepto ids (tests; a merchant who re-created a concepto)."""
    with _CONCEPT_LOCK:
        _CONCEPT_IDS.clear()


class ClientProblem(Exception):
    """The buyer cannot be made a Contabilium client (no usable document): the order waits."""


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


class ContabiliumInvoiceSink:
    idempotent = False
    requires_linked_skus = True

    def __init__(self, settings: ContabiliumSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.contabilium.hook import ContabiliumHook

            hook = ContabiliumHook(contabilium_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self._issuer_iva: str | None = None
        self._point_of_sale: int | None = settings.point_of_sale_id
        self._generic: dict[str, Any] | None = None

    def rule_options(self) -> dict[str, Any]:
        """One kind of document (the letter is chosen here, per client); lines priced with the default IVA."""
        return {"document_rule": "single", "vat_rate": Decimal(str(self.settings.default_vat_rate)) / 100}

    # ------------------------------------------------------------------------------ account facts
    def issuer_iva(self) -> str:
        if self._issuer_iva is None:
            self._issuer_iva = str(self.hook.company_info().get("CondicionIVA") or "RI").upper()
        return self._issuer_iva

    def point_of_sale(self) -> int:
        if self._point_of_sale is None:
            active = [p for p in self.hook.list_points_of_sale() if p.get("Activo", True)]
            if not active:
                raise ClientProblem("the Contabilium account has no active point of sale; set point_of_sale_id")
            self._point_of_sale = int(active[0]["Id"])
        return self._point_of_sale

    def concept_id(self, sku: str) -> int | None:
        key = (self.settings.conn_id, sku.strip().upper())
        with _CONCEPT_LOCK:
            if key in _CONCEPT_IDS:
                return _CONCEPT_IDS[key]
        found = self.hook.list_products(sku)
        concept_id = int(found[0]["Id"]) if found else None
        with _CONCEPT_LOCK:
            _CONCEPT_IDS[key] = concept_id
        return concept_id

    # ------------------------------------------------------------------------------------ clients
    def client_for(self, buyer: Buyer) -> dict[str, Any]:
        """The buyer's Contabilium client: by document (by e-mail without one), else created once, else generic."""
        document = _digits(buyer.doc_number)
        if document and len(document) not in (7, 8, 11):
            raise ClientProblem(
                f"the buyer's document {buyer.doc_number!r} is neither a DNI (7-8 digits) nor a CUIT (11 digits)"
            )
        # A buyer who gave a document is that document's client only: an e-mail match could be the
        # same person's other client (a company's, or a consumer's), with another IVA condition and
        # so another AFIP letter and receptor. The e-mail finds the client of a buyer without one.
        found = self.hook.find_client(document) if document else self.hook.find_client(email=buyer.email)
        if found is not None:
            return found
        if document and self.settings.register_customers:
            return self._create(self._new_client(buyer, document))
        if self.settings.final_consumer_dni:
            return self.generic_client(self.settings.final_consumer_dni)
        reason = "gave no CUIT/DNI" if not document else "is not a client and register_customers is off"
        raise ClientProblem(f"the buyer {reason} and no final_consumer_dni is configured")

    def generic_client(self, dni: str) -> dict[str, Any]:
        """The merchant's "Consumidor Final" client, found (or created) once per sink."""
        if self._generic is None:
            generic = {"RazonSocial": GENERIC_CLIENT_NAME, "CondicionIva": CONSUMIDOR_FINAL, "TipoDoc": "DNI",
                       "NroDoc": dni, "Personeria": "F"}
            self._generic = self.hook.find_client(dni) or self._create(generic)
        return self._generic

    def _new_client(self, buyer: Buyer, document: str) -> dict[str, Any]:
        from puente.vendors.contabilium.hook import doc_type_for

        doc_type = doc_type_for(document)
        company = doc_type == "CUIT" and bool(buyer.company)
        return {
            "Id": 0, "RazonSocial": (buyer.company if company else buyer.name) or buyer.email or document,
            "NombreFantasia": "", "CondicionIva": self.settings.company_buyer_iva_condition if company
            else CONSUMIDOR_FINAL, "TipoDoc": doc_type, "NroDoc": document, "Pais": "Argentina",
            "Domicilio": buyer.address or "", "Ciudad": buyer.city or buyer.municipality or "", "Cp": "",
            "Telefono": buyer.phone or "", "Email": buyer.email or "", "Codigo": None,
            "Personeria": "J" if company else "F",
        }  # fmt: skip

    def _create(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Create the client; after a lost answer look it up by document (a client is unique by it)."""
        from puente.hooks.errors import TransientError

        try:
            client_id = self.hook.create_client(payload)
        except TransientError as exc:
            found = self.hook.find_client(payload["NroDoc"], doc_type=payload["TipoDoc"]) if exc.uncertain else None
            if found is None:
                raise TransientError(str(exc), status=exc.status, vendor_message=exc.vendor_message,
                                     vendor=exc.vendor, method=exc.method, path=exc.path) from exc
            return found
        return {**payload, "Id": client_id}

    # ----------------------------------------------------------------------------------- invoices
    def payload(self, draft: InvoiceDraft, client: dict[str, Any], letter: str) -> dict[str, Any]:
        from puente.vendors.contabilium.hook import INVOICE_TYPE_CODES

        rate = float(self.settings.default_vat_rate)
        items = []
        for line in draft.lines:
            item = {"Concepto": line.description, "Cantidad": float(line.quantity),
                    "PrecioUnitario": _money(line.net_unit_price), "Iva": rate, "Bonificacion": 0}
            if line.sku:
                concept_id = self.concept_id(line.sku)
                if concept_id is None:
                    raise ClientProblem(f"El concepto {line.sku} es inexistente en Contabilium")
                item |= {"IdConcepto": concept_id, "Codigo": line.sku}
            items.append(item)
        issued = draft.issue_date
        body: dict[str, Any] = {
            "IdCliente": int(client["Id"]), "TipoFc": INVOICE_TYPE_CODES[letter], "PuntoVenta": self.point_of_sale(),
            "Modo": "E", "CondicionVenta": self.settings.sale_condition,
            "TipoConcepto": PRODUCTS if all(line.sku for line in draft.lines) else PRODUCTS_AND_SERVICES,
            "FechaEmision": f"{issued.isoformat()}T00:00:00",
            "FechaVencimiento": f"{(issued + timedelta(days=DUE_DAYS)).isoformat()}T00:00:00",
            "Observaciones": f"{OBSERVATION_PREFIX}{draft.reference}", "RefExterna": draft.reference, "Items": items,
            "Pagos": None,
        }  # fmt: skip
        if self.settings.warehouse_id is not None:
            body["Inventario"] = self.settings.warehouse_id
        return body

    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        from puente.hooks.errors import PermanentError, TransientError, VendorError, proven_absent
        from puente.vendors.contabilium.hook import invoice_letter

        buyer = draft.client or Buyer()
        try:
            client = self.client_for(buyer)
            letter = invoice_letter(self.issuer_iva(), str(client.get("CondicionIva") or CONSUMIDOR_FINAL))
            body = self.payload(draft, client, letter)
        except ClientProblem as exc:
            raise PermanentError(vendor_message=str(exc), vendor="contabilium") from exc
        for send in range(1, MAX_SENDS + 1):
            try:
                answer = self.hook.issue_invoice(body)
                break
            except TransientError as exc:
                if not exc.uncertain:
                    raise
                try:
                    found = self._look_up(draft, draft.issue_date, draft.issue_date)
                except VendorError as lookup_failed:  # still unknown: the order stays uncertain
                    raise exc from lookup_failed
                if found is not None:
                    self._email(int(found.doc_id), buyer.email or client.get("Email"), draft)
                    return found
                if send == MAX_SENDS:
                    raise proven_absent(exc, "the reference search and the day's comprobantes") from exc
                log.info("%s: emitirFECobrada failed (%s) and both lookups found nothing; sending again (%d/%d)",
                         draft.reference, exc, send + 1, MAX_SENDS)
        invoice_id = int(answer["idComprobante"])
        self._email(invoice_id, buyer.email or client.get("Email"), draft)
        return InvoiceRecord(
            doc_id=str(invoice_id), number=f"{letter} {answer.get('numero') or ''}".strip(),
            kind=f"factura_{letter.lower()}", url=answer.get("url") or None, total=draft.gross_total,
        )

    def _email(self, invoice_id: int, email: str | None, draft: InvoiceDraft) -> None:
        from puente.hooks.errors import VendorError

        if not (self.settings.email_receipts and email):
            return
        try:
            self.hook.email_invoice(invoice_id, email)
        except VendorError as exc:  # the invoice exists: never undo or repeat it for an e-mail
            log.warning("comprobante %s (%s) was issued but not e-mailed to %s: %s", invoice_id,
                        draft.reference, email, exc)

    def _look_up(self, draft: InvoiceDraft, first: date, last: date) -> InvoiceRecord | None:
        """Our authorised comprobante dated ``first``..``last``, or None when neither path shows one
        (the reference search now; after a delay, the search again and the days' full listing)."""
        found = self._match(draft, self.hook.find_invoices(draft.reference, date_from=first.isoformat(),
                                                            date_to=last.isoformat()))
        if found is not None:
            return found
        time.sleep(self.settings.lookup_retry_delay_seconds)  # a comprobante just made may show late
        for filtro in (draft.reference, None):  # None: every comprobante of those days, whatever filtro covers
            found = self._match(draft, self.hook.find_invoices(filtro, date_from=first.isoformat(),
                                                                date_to=last.isoformat()))
            if found is not None:
                return found
        return None

    @staticmethod
    def _match(draft: InvoiceDraft, comprobantes: list[dict[str, Any]]) -> InvoiceRecord | None:
        """The comprobante whose ``RefExterna`` (or observation) is exactly our reference; a person's
        case when it has no CAE (not authorised) or another total than the order's."""
        from puente.connectors.protocols import NeedsPerson

        for found in comprobantes:
            if draft.reference not in (found.get("RefExterna"), _observation_reference(found.get("Observaciones"))):
                continue
            total = found.get("ImporteTotal")
            if not found.get("Cae"):
                raise NeedsPerson(f"Contabilium has comprobante {found.get('Id')} for {draft.reference} without a "
                                  "CAE (not authorised by AFIP); authorise or void it in Contabilium, then resolve "
                                  "the order")
            if total is not None and draft.gross_total is not None and \
                    abs(Decimal(str(total)) - draft.gross_total) > TOTAL_TOLERANCE:
                raise NeedsPerson(f"Contabilium's comprobante {found.get('Id')} for {draft.reference} totals {total}, "
                                  f"the order {draft.gross_total}; check it in Contabilium, then resolve the order")
            letter = str(found.get("TipoFc") or "")[-1:].upper() or "B"
            return InvoiceRecord(
                doc_id=str(found["Id"]), number=f"{letter} {found.get('Numero') or ''}".strip(),
                kind=f"factura_{letter.lower()}", url=found.get("Url") or None, total=draft.gross_total,
            )
        return None

    def find(self, draft: InvoiceDraft) -> InvoiceRecord | None:
        """What an interrupted earlier attempt created for this draft (asked before any re-send): None
        when neither lookup path shows it, so sending is safe. The attempt dated it between the
        order's day and today."""
        first = min(draft.order_date or draft.issue_date, draft.issue_date)
        return self._look_up(draft, first, max(draft.issue_date, date.today()))

    @staticmethod
    def categorize(message: str | None) -> str:
        lowered = (message or "").lower()
        return next((category for needle, category in MESSAGE_CATEGORIES if needle in lowered), rules.VENDOR_REJECTED)


def _observation_reference(observation: object) -> str | None:
    text = str(observation or "")
    return text.removeprefix(OBSERVATION_PREFIX) if text.startswith(OBSERVATION_PREFIX) else None
