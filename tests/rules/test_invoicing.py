from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from puente.models import Buyer, Order, OrderLine
from puente.rules.invoicing import (
    CLIENT_INCOMPLETE,
    UNLINKED_SKU,
    InvoicingOptions,
    decide,
    document_kind,
    rut_is_valid,
)

DAY = date(2026, 11, 25)
COMPANY = Buyer(name="Ana", email="ana@acme.cl", doc_number="76.086.428-5", company="ACME SpA", activity="Comercio",
                address="Calle 1", municipality="Providencia", city="Santiago")


PERSON = Buyer(email="x@y.cl")


def order(*lines, buyer=PERSON, shipping="0"):
    return Order(id="1026", channel="js", status="paid", created_at=datetime(2026, 11, 25, tzinfo=UTC),
                 lines=tuple(lines), buyer=buyer, shipping_cost=Decimal(shipping))


def line(sku="A", price="11900", qty="1", discount="0"):
    return OrderLine(sku=sku, name=f"Product {sku}", quantity=Decimal(qty), unit_price=Decimal(price),
                     discount=Decimal(discount))


@pytest.mark.parametrize(("rut", "valid"), [("76.086.428-5", True), ("76086428-5", True), ("12.345.678-5", True),
                                             ("12.345.678-K", False), ("76086428-4", False), ("", False),
                                             (None, False), ("123", False)])
def test_rut_check_digit(rut, valid):
    assert rut_is_valid(rut) is valid


def test_boleta_unless_tax_id_and_company():
    assert document_kind(Buyer()) == "boleta"
    assert document_kind(Buyer(doc_number="76086428-5")) == "boleta"
    assert document_kind(COMPANY) == "factura"


def test_plain_order_becomes_a_boleta_with_net_prices_and_an_idempotency_reference():
    decision = decide(order(line(qty="2")), {"A"}, DAY, InvoicingOptions())
    assert decision.action == "invoice"
    draft = decision.draft
    assert (draft.kind, draft.reference, draft.gross_total) == ("boleta", "JS-1026", Decimal("23800.00"))
    assert draft.lines[0].net_unit_price == Decimal("10000.00")
    assert draft.client.email == "x@y.cl"


def test_all_zero_value_order_is_skipped_with_the_reason():
    decision = decide(order(line(price="0"), line(sku="B", price="0")), {"A", "B"}, DAY, InvoicingOptions())
    assert decision.action == "skip"
    assert "zero-value" in decision.reason


def test_zero_value_lines_are_dropped_from_a_document_with_other_lines():
    decision = decide(order(line(), line(sku="FREE", price="0")), {"A"}, DAY, InvoicingOptions())
    assert [draft_line.sku for draft_line in decision.draft.lines] == ["A"]


def test_fully_discounted_line_counts_as_zero_value():
    decision = decide(order(line(), line(sku="B", discount="11900")), {"A"}, DAY, InvoicingOptions())
    assert [draft_line.sku for draft_line in decision.draft.lines] == ["A"]


def test_unsynced_sku_fails_with_a_fixable_reason():
    decision = decide(order(line(), line(sku="NEW")), {"A"}, DAY, InvoicingOptions())
    assert (decision.action, decision.category) == ("error", UNLINKED_SKU)
    assert "Product NEW (SKU NEW)" in decision.reason
    assert "puente catalog link" in decision.reason and "--sku CHANNEL_SKU=ERP_SKU" in decision.reason


def test_lines_carry_the_erp_sku_their_channel_sku_is_linked_to():
    from puente.rules.sku_matching import SkuMap

    skus = SkuMap.build({"A", "ERP-9"}, pairs={"TIENDA-9": "ERP-9"}, steps=("trim", "case"))
    decision = decide(order(line(), line(sku="TIENDA-9"), line(sku=" a ")), skus, DAY, InvoicingOptions())
    assert decision.action == "invoice"
    assert [draft_line.sku for draft_line in decision.draft.lines] == ["A", "ERP-9", "A"]


def test_an_override_for_one_order_invoices_a_line_no_link_covers():
    from puente.rules.sku_matching import SkuMap

    skus = SkuMap.build({"A", "ERP-NEW"})
    assert decide(order(line(sku="NEW")), skus, DAY, InvoicingOptions()).category == UNLINKED_SKU
    decision = decide(order(line(sku="NEW")), skus.with_overrides({"NEW": "ERP-NEW"}), DAY, InvoicingOptions())
    assert [draft_line.sku for draft_line in decision.draft.lines] == ["ERP-NEW"]


def test_factura_needs_complete_tax_data():
    incomplete = COMPANY.model_copy(update={"activity": None, "municipality": ""})
    decision = decide(order(line(), buyer=incomplete), {"A"}, DAY, InvoicingOptions())
    assert (decision.action, decision.category) == ("error", CLIENT_INCOMPLETE)
    assert "activity, municipality" in decision.reason


def test_factura_with_a_wrong_rut_is_refused_before_sending():
    decision = decide(order(line(), buyer=COMPANY.model_copy(update={"doc_number": "76086428-4"})), {"A"}, DAY,
                      InvoicingOptions())
    assert decision.category == CLIENT_INCOMPLETE and "check digit" in decision.reason


def test_complete_factura_and_configured_defaults():
    decision = decide(order(line(), buyer=COMPANY.model_copy(update={"phone": None})), {"A"}, DAY,
                      InvoicingOptions(default_phone="+56 2 2000 0000"))
    assert decision.draft.kind == "factura"
    assert decision.draft.client.phone == "+56 2 2000 0000"


@pytest.mark.parametrize(("as_line", "expected"), [(True, ["A", None]), (False, ["A"])])
def test_shipping_becomes_a_line_only_when_configured(as_line, expected):
    decision = decide(order(line(), shipping="3570"), {"A"}, DAY, InvoicingOptions(shipping_as_line=as_line))
    assert [draft_line.sku for draft_line in decision.draft.lines] == expected
    if as_line:
        assert decision.draft.lines[1].net_unit_price == Decimal("3000.00")
