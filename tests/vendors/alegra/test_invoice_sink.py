"""AlegraInvoiceSink against the Alegra sandbox over HTTP: one test per option of the article, each
asserting what the sandbox received (its write log) and what it keeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from puente.hooks.errors import PermanentError, TransientError
from puente.models import Buyer, DraftLine, InvoiceDraft, Order, OrderLine
from puente.rules import invoicing as rules
from puente.vendors.alegra.hook import AlegraHook
from puente.vendors.alegra.invoice_sink import AlegraInvoiceSink
from puente.vendors.alegra.settings import AlegraSettings
from puente_sandbox.alegra import run_alegra_sandbox
from puente_sandbox.alegra.seed import ELECTRONIC_TEMPLATE_ID, GIFT_REFERENCE, IVA_19_ID, VARIANT_REFERENCE
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN

DAY = date(2026, 11, 30)
BUYER = Buyer(name="Laura Gómez", email="laura@correo.co", phone="3001234567", doc_type="CC", doc_number="52999001",
              address="Calle 10 # 5-20", city="Cali")  # fmt: skip


class FastAlegra(AlegraHook):
    backoff_base = 0.01
    backoff_max = 0.02


@pytest.fixture(scope="module")
def alegra() -> Iterator[Any]:
    with run_alegra_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def make_sink(alegra, set_conn, limiter):
    alegra.clear_faults()
    conn = set_conn("alegra_sink", conn_type="alegra", host=alegra.base_url, login=DEFAULT_ALEGRA_EMAIL,
                    password=DEFAULT_ALEGRA_TOKEN)  # fmt: skip

    def build(**options: Any) -> AlegraInvoiceSink:
        settings = AlegraSettings(vendor="alegra", conn_id=conn, **options)
        return AlegraInvoiceSink(settings, hook=FastAlegra(conn, limiter=limiter), today=lambda: DAY)

    return build


def item(alegra, reference: str, index: int = 0) -> dict[str, Any]:
    return [i for i in alegra.store.items if i["reference"] == reference][index]


def line(sku: str | None, gross: str, quantity: int = 1, description: str = "Producto") -> DraftLine:
    gross_price = Decimal(gross)
    return DraftLine(sku=sku, description=description, quantity=Decimal(quantity), gross_unit_price=gross_price,
                     net_unit_price=(gross_price / Decimal("1.19")).quantize(Decimal("0.01")))  # fmt: skip


counter = iter(range(1, 10_000))


def draft(*lines: DraftLine, client: Buyer = BUYER) -> InvoiceDraft:
    order_id = f"AS-{next(counter)}"
    lines = lines or (line("REF-0002", "119000", 2),)
    return InvoiceDraft(order_id=order_id, channel="astro", kind="invoice", issue_date=DAY,
                        reference=f"JS-{order_id}", client=client, lines=lines,
                        gross_total=sum((x.gross_unit_price * x.quantity for x in lines), Decimal(0)))  # fmt: skip


def sent(alegra, path: str = "/invoices") -> dict[str, Any]:
    """The body of the last write to ``path`` the sandbox received."""
    return next(w for w in reversed(alegra.writes()) if w["method"] == "POST" and w["path"] == path)["body"]


def stored(alegra, record) -> dict[str, Any]:
    return alegra.store.invoices[record.doc_id]


# --- defaults -------------------------------------------------------------------------------------


def test_defaults_draft_cash_no_taxes_and_the_order_reference_in_observations(alegra, make_sink):
    record = make_sink().create(draft())
    body = sent(alegra)
    ref = item(alegra, "REF-0002")
    assert body["status"] == "draft" and "stamp" not in body  # "Mandar factura en estado abierta": off
    assert (body["date"], body["dueDate"], body["paymentForm"]) == ("2026-11-30", "2026-11-30", "CASH")
    assert body["items"] == [{"id": ref["id"], "quantity": 2, "description": "Producto", "price": 119000,
                              "reference": "REF-0002"}]  # "Usar impuestos" off: the paid price, no tax
    assert "[ref JS-" in body["observations"] and "anotation" not in body
    for absent in ("numberTemplate", "seller", "costCenter", "priceList", "currency", "payments"):
        assert absent not in body
    invoice = stored(alegra, record)
    assert invoice["status"] == "draft" and invoice["total"] == 238000 and record.total == Decimal(238000)


def test_a_late_run_or_backfill_dates_the_invoice_today_in_bogota(alegra, make_sink):
    old_draft = draft().model_copy(update={"issue_date": DAY - timedelta(days=40)})
    make_sink(payment_form="CREDIT", credit_days=10).create(old_draft)
    assert (sent(alegra)["date"], sent(alegra)["dueDate"]) == ("2026-11-30", "2026-12-10")
    real_clock = AlegraInvoiceSink(AlegraSettings(vendor="alegra", conn_id="a"), hook=object())
    assert real_clock.issue_date(old_draft) == datetime.now(ZoneInfo("America/Bogota")).date()


def test_new_buyer_becomes_a_contact_with_the_article_defaults(alegra, make_sink):
    buyer = BUYER.model_copy(update={"doc_number": "52999002"})
    make_sink().create(draft(client=buyer))
    contact = sent(alegra, "/contacts")
    assert contact["identificationObject"] == {"type": "CC", "number": "52999002"}
    assert (contact["kindOfPerson"], contact["regime"]) == ("PERSON_ENTITY", "SIMPLIFIED_REGIME")
    assert contact["email"] == "laura@correo.co" and contact["phonePrimary"] == "3001234567"
    created = next(c for c in alegra.store.contacts if c["identification"] == "52999002")
    assert sent(alegra)["client"] == {"id": created["id"]}


def test_an_existing_contact_is_found_by_identification_not_created_again(alegra, make_sink):
    known = next(c for c in alegra.store.contacts if c["status"] == "active" and "client" in c["type"])
    before = len(alegra.store.contacts)
    make_sink().create(draft(client=BUYER.model_copy(update={"doc_number": known["identification"]})))
    assert len(alegra.store.contacts) == before
    assert sent(alegra)["client"] == {"id": known["id"]}


# --- "Configuración" --------------------------------------------------------------------------------


def test_sku_field_barcode_invoices_one_variation_of_a_shared_reference(alegra, make_sink):
    variation = item(alegra, VARIANT_REFERENCE, 1)
    make_sink(sku_field="barcode").create(draft(line(variation["barcode"], "45000")))
    assert sent(alegra)["items"][0]["id"] == variation["id"]


def test_sku_field_reference_refuses_variations_sharing_it(alegra, make_sink):
    with pytest.raises(PermanentError, match="matches 2 Alegra items") as error:
        make_sink().create(draft(line(VARIANT_REFERENCE, "45000")))
    assert AlegraInvoiceSink.categorize(error.value.vendor_message) == rules.UNLINKED_SKU


def test_use_taxes_sends_net_prices_with_the_items_tax_and_alegra_totals_what_was_paid(alegra, make_sink):
    record = make_sink(use_taxes=True).create(draft(line("REF-0003", "119000", 3)))
    sent_line = sent(alegra)["items"][0]
    assert (sent_line["price"], sent_line["tax"]) == (100000, [{"id": IVA_19_ID}])
    assert stored(alegra, record)["total"] == 357000


def test_show_observations_on_pdf_copies_them_to_the_printed_notes(alegra, make_sink):
    make_sink(show_observations_on_pdf=True).create(draft())
    body = sent(alegra)
    assert body["anotation"] == body["observations"]


def test_default_email_phone_and_document_fill_a_buyer_without_them(alegra, make_sink):
    sink = make_sink(default_email="ventas@cali.co", default_phone="6021234567", default_document="222222222222")
    options = rules.InvoicingOptions(**sink.rule_options())
    order = Order(id="AS-900", channel="astro", status="completed", created_at="2026-11-29T10:00:00-05:00",
                  currency="COP", lines=(OrderLine(sku="REF-0004", name="Gorra", quantity=Decimal(1),
                                                   unit_price=Decimal(59500)),), buyer=Buyer(name="Sin datos"))
    decision = rules.decide(order, {"REF-0004"}, DAY, options)
    sink.create(decision.draft)
    contact = sent(alegra, "/contacts")
    assert contact["identificationObject"]["number"] == "222222222222"
    assert (contact["email"], contact["phonePrimary"]) == ("ventas@cali.co", "6021234567")


def test_without_default_document_a_buyer_without_one_errs_before_alegra(make_sink):
    options = rules.InvoicingOptions(**make_sink().rule_options())
    order = Order(id="AS-901", channel="astro", status="completed", created_at="2026-11-29T10:00:00-05:00",
                  lines=(OrderLine(sku="REF-0004", name="Gorra", quantity=Decimal(1), unit_price=Decimal(1)),))
    assert rules.decide(order, {"REF-0004"}, DAY, options).category == rules.CLIENT_INCOMPLETE


# --- "Facturación automática" ----------------------------------------------------------------------


def test_open_invoice_sends_status_open_and_alegra_numbers_it(alegra, make_sink):
    record = make_sink(open_invoice=True, number_template_id="1").create(draft())
    body = sent(alegra)
    assert body["status"] == "open" and body["numberTemplate"] == {"id": "1"}
    assert stored(alegra, record)["status"] == "open" and record.number


def test_stamp_emits_to_the_dian_with_the_electronic_numbering(alegra, make_sink):
    record = make_sink(open_invoice=True, stamp=True, number_template_id=ELECTRONIC_TEMPLATE_ID).create(draft())
    assert sent(alegra)["stamp"] == {"generateStamp": True}
    invoice = stored(alegra, record)
    assert invoice["stamp"]["legalStatus"] == "ACCEPTED" and invoice["stamp"]["cufe"]
    assert record.number.startswith("FEV")


def test_stamp_refuses_zero_price_lines_before_sending_and_alegra_would_too(alegra, make_sink):
    sink = make_sink(open_invoice=True, stamp=True, number_template_id=ELECTRONIC_TEMPLATE_ID)
    assert sink.rule_options()["zero_price_lines"] == "refuse"
    assert make_sink().rule_options()["zero_price_lines"] == "drop"
    with pytest.raises(PermanentError) as error:  # were such a line sent anyway, the DIAN rule answers
        sink.create(draft(line("REF-0002", "1000"), line(GIFT_REFERENCE, "0")))
    assert AlegraInvoiceSink.categorize(error.value.vendor_message) == rules.ZERO_PRICE


def test_stamp_settings_are_validated_with_clear_messages():
    with pytest.raises(ValidationError, match="needs open_invoice"):
        AlegraSettings(vendor="alegra", conn_id="a", stamp=True, number_template_id="7")
    with pytest.raises(ValidationError, match="needs number_template_id"):
        AlegraSettings(vendor="alegra", conn_id="a", stamp=True, open_invoice=True)
    with pytest.raises(ValidationError, match="companies only"):
        AlegraSettings(vendor="alegra", conn_id="a", regime="SPECIAL_REGIME")
    with pytest.raises(ValidationError, match="needs exchange_rate"):
        AlegraSettings(vendor="alegra", conn_id="a", currency="USD")


def test_invoice_warehouse_goes_on_every_line(alegra, make_sink):
    record = make_sink(invoice_warehouse_id="2").create(draft(line("REF-0002", "1000"), line("REF-0003", "2000")))
    assert [x["warehouse"] for x in sent(alegra)["items"]] == [{"id": "2"}, {"id": "2"}]
    assert {x["warehouse"]["name"] for x in stored(alegra, record)["items"]} == {"Bodega Medellín"}


def test_invoice_price_list(alegra, make_sink):
    record = make_sink(invoice_price_list_id="3").create(draft())
    assert sent(alegra)["priceList"] == {"id": "3"} and stored(alegra, record)["priceList"]["name"] == "Tienda online"


def test_identification_type_applies_when_the_order_gives_none(alegra, make_sink):
    buyer = BUYER.model_copy(update={"doc_type": None, "doc_number": "E-445566"})
    make_sink(identification_type="PP").create(draft(client=buyer))
    assert sent(alegra, "/contacts")["identificationObject"] == {"type": "PP", "number": "E-445566"}
    buyer = BUYER.model_copy(update={"doc_type": "NIT", "doc_number": "901555666", "company": "Ruanas SAS"})
    make_sink(identification_type="PP").create(draft(client=buyer))  # the order's own type wins
    assert sent(alegra, "/contacts")["identificationObject"]["type"] == "NIT"


def test_kind_of_person_and_regime_of_created_contacts(alegra, make_sink):
    buyer = BUYER.model_copy(update={"doc_type": "NIT", "doc_number": "901777888", "company": "Café Andino SAS"})
    make_sink(kind_of_person="LEGAL_ENTITY", regime="COMMON_REGIME").create(draft(client=buyer))
    contact = sent(alegra, "/contacts")
    assert (contact["kindOfPerson"], contact["regime"], contact["name"]) == (
        "LEGAL_ENTITY", "COMMON_REGIME", "Café Andino SAS")
    assert next(c for c in alegra.store.contacts if c["identification"] == "901777888")["regime"] == "COMMON_REGIME"


def test_payment_form_credit_sets_the_due_date(alegra, make_sink):
    make_sink(payment_form="CREDIT", credit_days=15).create(draft())
    body = sent(alegra)
    assert (body["paymentForm"], body["dueDate"]) == ("CREDIT", "2026-12-15")


def test_payment_method_and_account_pay_an_open_cash_invoice_in_full(alegra, make_sink):
    sink = make_sink(open_invoice=True, use_taxes=True, payment_method="credit-card", payment_account_id="3")
    record = sink.create(draft(line("REF-0005", "99999", 3)))
    payment = sent(alegra)["payments"][0]
    assert (payment["account"], payment["paymentMethod"], payment["date"]) == ({"id": "3"}, "credit-card",
                                                                               "2026-11-30")
    invoice = stored(alegra, record)
    assert invoice["balance"] == 0 and invoice["status"] == "closed" and payment["amount"] == invoice["total"]


def test_the_payment_equals_alegras_total_also_when_iva_leaves_half_a_cent(alegra, make_sink):
    sink = make_sink(open_invoice=True, use_taxes=True, payment_account_id="2")
    record = sink.create(draft(line("REF-0016", "307000", 2), line("REF-0017", "234000"), line("REF-0013", "81000", 2)))
    invoice = stored(alegra, record)  # unrounded 1,010,000.005: both sides round half up
    assert sent(alegra)["payments"][0]["amount"] == invoice["total"] == 1010000.01 and invoice["balance"] == 0


def test_seller(alegra, make_sink):
    record = make_sink(seller_id="2").create(draft())
    assert sent(alegra)["seller"] == "2" and stored(alegra, record)["seller"]["name"] == "Tienda online"


def test_cost_center(alegra, make_sink):
    record = make_sink(cost_center_id="1").create(draft())
    assert sent(alegra)["costCenter"] == "1" and stored(alegra, record)["costCenter"]["name"] == "Ventas online"


def test_currency_and_exchange_rate(alegra, make_sink):
    make_sink(currency="USD", exchange_rate=Decimal("4012.5")).create(draft())
    assert sent(alegra)["currency"] == {"code": "USD", "exchangeRate": 4012.5}


def test_generic_sku_invoices_unknown_skus_under_one_item(alegra, make_sink):
    sink = make_sink(generic_sku="REF-0010")
    options = rules.InvoicingOptions(**sink.rule_options())
    order = Order(id="AS-902", channel="astro", status="completed", created_at="2026-11-29T10:00:00-05:00",
                  lines=(OrderLine(sku="NO-EXISTE", name="Cosa", quantity=Decimal(1), unit_price=Decimal(5000)),),
                  buyer=BUYER)  # fmt: skip
    sink.create(rules.decide(order, {"REF-0002"}, DAY, options).draft)
    assert sent(alegra)["items"][0]["id"] == item(alegra, "REF-0010")["id"]


def test_shipping_line_uses_the_shipping_service_item(alegra, make_sink):
    make_sink(shipping_sku="SERV-ENVIO").create(draft(line("REF-0002", "1000"), line(None, "12000", 1, "Envío")))
    assert sent(alegra)["items"][1]["id"] == item(alegra, "SERV-ENVIO")["id"]
    with pytest.raises(PermanentError, match="set shipping_sku"):
        make_sink().create(draft(line(None, "12000", 1, "Envío")))


def test_rule_options_make_one_kind_of_document_with_colombian_vat(make_sink):
    options = make_sink().rule_options()
    assert (options["document_rule"], options["vat_rate"], options["require_client_document"]) == (
        "single", Decimal("0.19"), True)


# --- exactly once ----------------------------------------------------------------------------------


def test_a_lost_answer_is_settled_by_the_reference_lookup_without_a_second_invoice(alegra, make_sink):
    order, sink = known_client_draft(alegra), make_sink()
    before = len(alegra.store.invoices)
    sink.contact_id(order.client)
    sink.item_for("REF-0002")  # only the invoice's own calls meet the faults
    alegra.set_faults(lost_response_rate=1.0)
    record = sink.create(order)
    alegra.clear_faults()
    assert len(alegra.store.invoices) == before + 1
    assert alegra.store.invoices[record.doc_id]["observations"].endswith(f"[ref {order.reference}]")


class FaultsOnlyOnThePost(FastAlegra):
    """The sandbox's faults hit the invoice POST only: cleared as soon as it answered."""

    sandbox: Any = None

    def create_invoice(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return super().create_invoice(payload)
        finally:
            self.sandbox.clear_faults()


def known_client_draft(alegra) -> InvoiceDraft:
    known = next(c for c in alegra.store.contacts if c["status"] == "active" and "client" in c["type"])
    return draft(client=BUYER.model_copy(update={"doc_number": known["identification"]}))


def test_a_5xx_on_the_post_then_a_lookup_finding_nothing_is_an_ordinary_transient_error(alegra, make_sink):
    order, sink = known_client_draft(alegra), make_sink()
    sink.hook.__class__ = FaultsOnlyOnThePost
    sink.hook.sandbox = alegra
    sink.contact_id(order.client)
    sink.item_for("REF-0002")  # only the invoice's own calls meet the faults
    before = len(alegra.store.invoices)
    alegra.set_faults(rate_5xx=1.0)
    with pytest.raises(TransientError) as error:
        sink.create(order)
    assert not error.value.uncertain and "found nothing" in str(error.value)  # the next run may send again
    assert len(alegra.store.invoices) == before


def test_when_the_lookup_fails_too_the_outcome_stays_uncertain(alegra, make_sink):
    order, sink = known_client_draft(alegra), make_sink()
    sink.contact_id(order.client)
    sink.item_for("REF-0002")  # only the invoice's own calls meet the faults
    alegra.set_faults(rate_5xx=1.0)
    try:
        with pytest.raises(TransientError) as error:
            sink.create(order)
    finally:
        alegra.clear_faults()
    assert error.value.uncertain  # the ledger makes it 'uncertain' for a person


def test_alegra_messages_become_categories_a_person_can_act_on():
    assert AlegraInvoiceSink.categorize("El ítem con id 999 no existe") == rules.UNLINKED_SKU
    assert AlegraInvoiceSink.categorize("La DIAN no acepta ítems sin precio: el ítem 'x' tiene precio 0") == (
        rules.ZERO_PRICE)
    assert AlegraInvoiceSink.categorize("El cliente no cumple los requisitos de la DIAN") == rules.CLIENT_INCOMPLETE
    assert AlegraInvoiceSink.categorize("AEP6009 numeración rechazada") == rules.VENDOR_REJECTED


def test_find_gives_what_an_interrupted_attempt_created_days_ago_or_none(alegra, make_sink):
    """A worker died after Alegra committed; the retry runs two days later: ``find`` searches the
    buyer's invoices from the order's day to today by our reference token."""
    first = draft().model_copy(update={"order_date": DAY})
    created = AlegraInvoiceSink(make_sink().settings, hook=make_sink().hook, today=lambda: DAY).create(first)
    later = AlegraInvoiceSink(make_sink().settings, hook=make_sink().hook, today=lambda: DAY + timedelta(days=2))
    retry = first.model_copy(update={"issue_date": DAY + timedelta(days=2)})
    found = later.find(retry)
    assert found is not None and found.doc_id == created.doc_id
    assert later.find(draft().model_copy(update={"order_date": DAY})) is None  # same buyer, never sent
    stranger = BUYER.model_copy(update={"doc_number": "1099888777"})
    assert later.find(draft(client=stranger)) is None  # no contact, no invoice (and no contact created)
    numbers = [c.get("identificationObject", {}).get("number") for c in alegra.store.contacts_by_id.values()]
    assert "1099888777" not in numbers
