"""Invoice drafts -> the Bsale document body: every tenant option lands in the request as Bsale names it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from puente.models import Buyer, DraftLine, InvoiceDraft
from puente.rules import invoicing as rules
from puente.vendors.bsale.invoice_sink import BsaleInvoiceSink
from puente.vendors.bsale.settings import BsaleSettings

LINE = DraftLine(sku="SKU-1", description="Termo", quantity=Decimal(2), net_unit_price=Decimal("8403.36"),
                 gross_unit_price=Decimal(10000))
SHIPPING = DraftLine(sku=None, description="Despacho", quantity=Decimal(1), net_unit_price=Decimal(2521),
                     gross_unit_price=Decimal(3000))
COMPANY = Buyer(name="Ana Pérez", email="ana@empresa.cl", doc_number="76543210-3", company="Empresa SpA",
                activity="Comercio", address="Av. Uno 1", city="Santiago", municipality="Providencia")


def draft(kind: str = "boleta", client: Buyer | None = None) -> InvoiceDraft:
    return InvoiceDraft(order_id="1026", channel="js", kind=kind, issue_date=date(2026, 5, 2), reference="JS-1026",
                        client=client, lines=(LINE, SHIPPING), gross_total=Decimal(23000))


def sink(**options) -> BsaleInvoiceSink:
    return BsaleInvoiceSink(BsaleSettings(vendor="bsale", conn_id="b", office_id=3, **options), hook=object())


def test_defaults_declare_to_the_sii_dispatch_and_use_the_sii_codes():
    body = sink().payload(draft())
    assert (body["codeSii"], body["officeId"], body["declareSii"], body["dispatch"]) == (39, 3, 1, 1)
    assert body["salesId"] == "JS-1026"  # Bsale's idempotency key: the same order never gets two documents
    assert body["emissionDate"] == body["expirationDate"] == 1777680000  # 2026-05-02 00:00 UTC, Bsale's epoch
    assert "sendEmail" not in body and "sellerId" not in body and "client" not in body
    assert body["details"] == [
        {"quantity": 2, "netUnitValue": 8403.36, "taxId": "[1]", "code": "SKU-1"},
        {"quantity": 1, "netUnitValue": 2521, "taxId": "[1]", "comment": "Despacho"},  # free-text shipping line
    ]


def test_options_change_the_request():
    body = sink(declare_sii=False, dispatch=False, send_email=True, seller_id=7, price_list_id=2,
                boleta_document_type_id=1, factura_document_type_id=5).payload(draft("factura", COMPANY))
    assert "codeSii" not in body and body["documentTypeId"] == 5
    assert (body["declareSii"], body["dispatch"], body["sendEmail"], body["sellerId"], body["priceListId"]) == (
        0, 0, 1, 7, 2)
    assert body["client"] == {
        "code": "76543210-3", "company": "Empresa SpA", "activity": "Comercio", "address": "Av. Uno 1",
        "municipality": "Providencia", "city": "Santiago", "email": "ana@empresa.cl", "firstName": "Ana",
        "lastName": "Pérez", "companyOrPerson": 1,
    }


def test_bsale_messages_become_categories_a_person_can_act_on():
    assert BsaleInvoiceSink.categorize("There is no stock for this products: SKU-1") == rules.NO_STOCK
    assert BsaleInvoiceSink.categorize("Use 'comment' to especify the serie of detailid") == rules.SERIAL_REQUIRED
    assert BsaleInvoiceSink.categorize("invalid variant") == rules.UNLINKED_SKU
    assert BsaleInvoiceSink.categorize("something else entirely") == rules.VENDOR_REJECTED
