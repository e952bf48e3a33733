"""The invoicing rules with Colombia's options (Siigo's ``rule_options``): one document kind, IVA 19%,
zero-price lines refused when sending to the DIAN, the generic SKU, the default document."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from puente.models import Buyer, Order, OrderLine
from puente.rules.invoicing import CLIENT_INCOMPLETE, UNLINKED_SKU, ZERO_PRICE, InvoicingOptions, decide

BOGOTA = timezone(timedelta(hours=-5))
TODAY = date(2026, 11, 30)
BUYER = Buyer(name="Mateo Vargas", email="mateo@correo.co", doc_type="CC", doc_number="1020304050")
COLOMBIA = InvoicingOptions(document_rule="single", vat_rate=Decimal("0.19"), require_client_document=True,
                            reference_prefix="AS")  # fmt: skip
KNOWN = {"SKU-1", "SKU-2", "GENERICO"}


def order(*lines: tuple[str, str, str], buyer: Buyer = BUYER) -> Order:
    return Order(id="AS-100001", channel="astro", status="completed", currency="COP",
                 created_at=datetime(2026, 11, 3, 22, 30, tzinfo=BOGOTA), buyer=buyer,
                 lines=tuple(OrderLine(sku=sku, name=f"Producto {sku}", quantity=Decimal(q), unit_price=Decimal(p))
                             for sku, q, p in lines))  # fmt: skip


def options(**changes) -> InvoicingOptions:
    return InvoicingOptions(**(COLOMBIA.__dict__ | changes))


def test_single_rule_gives_every_order_an_invoice_with_net_prices_at_19_percent():
    decision = decide(order(("SKU-1", "2", "119000")), KNOWN, TODAY, COLOMBIA)
    assert decision.action == "invoice" and decision.draft.kind == "invoice"
    line = decision.draft.lines[0]
    assert (line.gross_unit_price, line.net_unit_price) == (Decimal("119000.00"), Decimal("100000.00"))
    assert decision.draft.reference == "AS-AS-100001"


def test_company_buyer_still_gets_the_single_kind():
    company = BUYER.model_copy(update={"doc_type": "NIT", "doc_number": "900123456", "company": "Acme SAS"})
    assert decide(order(("SKU-1", "1", "1000"), buyer=company), KNOWN, TODAY, COLOMBIA).draft.kind == "invoice"


def test_draft_keeps_the_order_date_in_the_orders_own_timezone():
    draft = decide(order(("SKU-1", "1", "1000")), KNOWN, TODAY, COLOMBIA).draft
    assert draft.order_date == date(2026, 11, 3) and draft.issue_date == TODAY


def test_zero_price_line_refused_for_the_dian():
    decision = decide(order(("SKU-1", "1", "5000"), ("SKU-2", "1", "0")), KNOWN, TODAY,
                      options(zero_price_lines="refuse"))
    assert decision.action == "error" and decision.category == ZERO_PRICE
    assert "SKU-2" in decision.reason and "DIAN" in decision.reason


def test_zero_price_line_dropped_without_the_dian():
    decision = decide(order(("SKU-1", "1", "5000"), ("SKU-2", "1", "0")), KNOWN, TODAY, COLOMBIA)
    assert [line.sku for line in decision.draft.lines] == ["SKU-1"]


def test_all_zero_order_is_skipped_even_when_refusing():
    decision = decide(order(("SKU-1", "1", "0")), KNOWN, TODAY, options(zero_price_lines="refuse"))
    assert decision.action == "skip"


def test_unknown_sku_errs_without_a_generic_sku():
    decision = decide(order(("SKU-1", "1", "5000"), ("NUEVO-9", "1", "3000")), KNOWN, TODAY, COLOMBIA)
    assert decision.action == "error" and decision.category == UNLINKED_SKU and "NUEVO-9" in decision.reason


def test_generic_sku_takes_only_the_unknown_lines_and_keeps_their_description():
    decision = decide(order(("SKU-1", "1", "5000"), ("NUEVO-9", "2", "3000")), KNOWN, TODAY,
                      options(generic_sku="GENERICO"))
    lines = decision.draft.lines
    assert [line.sku for line in lines] == ["SKU-1", "GENERICO"]
    assert lines[1].description == "Producto NUEVO-9" and lines[1].quantity == 2
    assert decision.draft.gross_total == Decimal("11000")


def test_missing_document_errs_unless_a_default_document_is_set():
    anonymous = BUYER.model_copy(update={"doc_type": None, "doc_number": None})
    refused = decide(order(("SKU-1", "1", "5000"), buyer=anonymous), KNOWN, TODAY, COLOMBIA)
    assert refused.action == "error" and refused.category == CLIENT_INCOMPLETE
    accepted = decide(order(("SKU-1", "1", "5000"), buyer=anonymous), KNOWN, TODAY,
                      options(default_document="222222222222"))
    assert accepted.draft.client.doc_number == "222222222222"


def test_default_document_never_replaces_the_buyers_own():
    decision = decide(order(("SKU-1", "1", "5000")), KNOWN, TODAY, options(default_document="222222222222"))
    assert decision.draft.client.doc_number == "1020304050"


def test_default_email_and_phone_fill_only_what_is_missing():
    partial = BUYER.model_copy(update={"email": None, "phone": "3001234567"})
    client = decide(order(("SKU-1", "1", "5000"), buyer=partial), KNOWN, TODAY,
                    options(default_email="ventas@tienda.co", default_phone="6015550000")).draft.client
    assert (client.email, client.phone) == ("ventas@tienda.co", "3001234567")
