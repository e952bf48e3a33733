"""Invoice drafts -> Tiendita invoices, exactly once through ``Idempotency-Key`` (our reference)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from puente.models import InvoiceDraft, InvoiceRecord
from puente.rules import invoicing as rules
from puente_tiendita.settings import TienditaSettings


class TienditaInvoiceSink:
    idempotent = True  # the same Idempotency-Key returns the invoice already made
    requires_linked_skus = True

    def __init__(self, settings: TienditaSettings, hook=None) -> None:
        if hook is None:
            from puente_tiendita.hook import TienditaHook

            hook = TienditaHook(settings.conn_id)
        self.settings, self.hook = settings, hook

    def rule_options(self) -> dict:
        return {"vat_rate": Decimal(str(self.settings.vat_rate)), "document_rule": "single"}

    def create(self, draft: InvoiceDraft) -> InvoiceRecord:
        client = draft.client
        body = {
            "reference": draft.reference,
            "customer": {"name": client.name, "email": client.email} if client else None,
            "lines": [{"sku": line.sku, "description": line.description, "quantity": float(line.quantity),
                       "unit_price": float(line.gross_unit_price)} for line in draft.lines],
        }
        made = self.hook.create_invoice(body, idempotency_key=f"{draft.channel}:{draft.reference}")
        return InvoiceRecord(doc_id=str(made["id"]), number=str(made["number"]), kind=draft.kind, url=made.get("url"),
                             total=Decimal(str(made["total"])), created_at=datetime.fromisoformat(made["created_at"]))

    @staticmethod
    def categorize(message: str | None) -> str:
        return rules.UNLINKED_SKU if "unknown sku" in (message or "").lower() else rules.VENDOR_REJECTED
