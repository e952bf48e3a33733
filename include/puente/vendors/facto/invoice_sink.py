"""Invoice drafts -> Facto documents over SOAP (boleta 39 with gross lines, factura 33 with net lines).

Facto has no idempotency key and no lookup: a send whose outcome is unknown must never be
repeated automatically (``idempotent = False``); the ledger marks it ``uncertain`` for a person.
Totals are CLP integers that Facto checks against the lines, computed the way Facto does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from puente.connectors.protocols import NeedsPerson
from puente.models import InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente.vendors.facto.settings import FactoSettings

DTE = {"boleta": 39, "factura": 33}
VAT = Decimal("0.19")


def _peso(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class FactoInvoiceSink:
    idempotent = False
    requires_linked_skus = False

    def __init__(self, settings: FactoSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.facto.hook import FactoHook

            hook = FactoHook(facto_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def documento(self, draft: InvoiceDraft) -> dict:
        gross = draft.kind == "boleta" and self.settings.boleta_gross_prices
        header: dict = {
            "tipo_dte": DTE[draft.kind],
            "fecha_emision": draft.issue_date.isoformat(),
            "condiciones_pago": self.settings.payment_terms,
            "identificador_externo_doc": draft.reference,
        }
        if self.settings.branch_code:
            header["sucursal"] = self.settings.branch_code
        client = draft.client
        if client is not None:
            if client.email:
                header["receptor_email"] = client.email
            if draft.kind == "factura":
                header |= {
                    "receptor_rut": (client.doc_number or "").replace(".", ""),
                    "receptor_razon": client.company, "receptor_giro": client.activity,
                    "receptor_direccion": client.address, "receptor_comuna": client.municipality,
                    "receptor_ciudad": client.city, "receptor_telefono": client.phone or "",
                }
        details = []
        for line in draft.lines:
            unit = line.gross_unit_price if gross else line.net_unit_price
            detail = {"cantidad": _number(line.quantity), "glosa": line.description,
                      "monto_unitario": _number(unit), "exento_afecto": 1}
            if line.sku:
                detail["sku"] = line.sku
            details.append(detail)
        line_totals = [_peso((line.gross_unit_price if gross else line.net_unit_price) * line.quantity)
                       for line in draft.lines]
        if gross:
            totals = {"total_final": sum(line_totals)}
        else:
            net = sum(line_totals)
            iva = _peso(Decimal(net) * VAT)
            totals = {"total_exento": 0, "total_afecto": net, "total_iva": iva, "total_final": net + iva}
        documento = {"encabezado": header, "detalles": details, "totales": totals}
        if gross:
            documento["opciones"] = {"valores_brutos": 1}
        return documento

    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        answer = self.hook.emit_document(self.documento(draft))
        header = answer.get("encabezado") or {}
        if int(answer.get("status", 0)) == 2:
            raise NeedsPerson(
                f"Facto saved folio {header.get('folio')} as a draft but did not send it to the SII: "
                f"{answer.get('mensaje_error')}. Finish it in Facto, then resolve the order."
            )
        links = answer.get("enlaces") or {}
        folio = str(header.get("folio") or "")
        totals = answer.get("totales") or {}
        return InvoiceRecord(
            doc_id=f"{DTE[draft.kind]}-{folio}", number=folio or None, kind=draft.kind, url=links.get("dte_pdf"),
            total=Decimal(str(totals["total_final"])) if totals.get("total_final") is not None else None,
        )

    @staticmethod
    def categorize(message: str | None) -> str:
        lowered = (message or "").lower()
        if "receptor" in lowered or "rut" in lowered:
            return rules.CLIENT_INCOMPLETE
        return rules.VENDOR_REJECTED
