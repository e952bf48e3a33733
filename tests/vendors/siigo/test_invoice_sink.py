"""SiigoInvoiceSink against the Siigo sandbox over HTTP: one test per option of the article.

Each test builds a canonical order, lets the shared rules decide (with the sink's own
``rule_options``), sends the draft, and asserts on what the sandbox *received* (``/_sandbox/writes``)
and what it *holds* (the stored invoice or customer), never on the sink's internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from puente.hooks.errors import PermanentError
from puente.models import Buyer, Order, OrderLine
from puente.rules import invoicing as rules
from puente.vendors.siigo.hook import SiigoHook, idempotency_key
from puente.vendors.siigo.invoice_sink import SiigoInvoiceSink, today_in_bogota
from puente.vendors.siigo.settings import SiigoSettings
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import run_siigo_sandbox
from puente_sandbox.siigo.catalogs import CASH_PAYMENT_ID, CREDIT_PAYMENT_ID, ELECTRONIC_FV_ID, MANUAL_FV_ID

BASE = {"vendor": "siigo", "conn_id": "siigo_sink", "seller_id": 629, "document_type_id": ELECTRONIC_FV_ID,
        "payment_type_id": CASH_PAYMENT_ID}  # fmt: skip
BUYER = Buyer(name="Camila Rojas Díaz", email="camila.rojas@correo.co", phone="+57 310 5551234", doc_type="CC",
              doc_number="1020304999", address="Calle 10 #43-12", city="Medellín")  # fmt: skip
_counter = iter(range(10_000, 99_999))


@pytest.fixture(scope="module")
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def make_sink(siigo, set_conn, limiter):
    set_conn("siigo_sink", conn_type="siigo", host=siigo.base_url, login=DEFAULT_SIIGO_USER,
             password=DEFAULT_SIIGO_ACCESS_KEY, extra={"partner_id": DEFAULT_SIIGO_PARTNER_ID})

    def build(**options: Any) -> SiigoInvoiceSink:
        settings = SiigoSettings.model_validate(BASE | options)
        sink = SiigoInvoiceSink(settings, hook=SiigoHook("siigo_sink", limiter=limiter))
        sink.sandbox = siigo  # the test's view of what Siigo received
        return sink

    return build


def order(*lines: tuple[str, Any, Any], buyer: Buyer = BUYER, created: datetime | None = None) -> Order:
    number = next(_counter)
    return Order(
        id=f"AS-{number}", channel="astro_co", status="completed",
        created_at=created or datetime(2026, 11, 28, 15, 30).astimezone(), currency="COP",
        lines=tuple(OrderLine(sku=sku, name=f"Producto {sku}", quantity=Decimal(str(q)), unit_price=Decimal(str(p)))
                    for sku, q, p in lines) or (OrderLine(sku="SKU-0001", name="Camiseta", quantity=Decimal(1),
                                                          unit_price=Decimal(119000)),),
        buyer=buyer,
    )


def decide(sink: SiigoInvoiceSink, the_order: Order, known: set[str] | None = None, **flow: Any) -> rules.Decision:
    options = rules.InvoicingOptions(**({"reference_prefix": "AS"} | flow | sink.rule_options()))
    known = known if known is not None else {f"SKU-{i:04d}" for i in range(1, 31)}
    return rules.decide(the_order, known, today_in_bogota(), options)


def send(sink: SiigoInvoiceSink, the_order: Order | None = None, **flow: Any) -> tuple[dict, dict]:
    """Decide and create; return (the POST body the sandbox received, the invoice it stored)."""
    decision = decide(sink, the_order or order(), **flow)
    assert decision.action == "invoice", decision
    record = sink.create(decision.draft)
    return last_invoice_body(sink), sink.hook.get_invoice(record.doc_id)


def last_invoice_body(sink: SiigoInvoiceSink) -> dict:
    writes = [w for w in sink.sandbox.writes() if w["route"] == "POST /v1/invoices"]
    return writes[-1]["body"]


# --- the article's options -------------------------------------------------------------------------


def test_seller_vendedor(make_sink):
    body, invoice = send(make_sink(seller_id=630))
    assert body["seller"] == 630 and invoice["seller"] == 630


def test_transaction_type_tipo_de_transaccion(make_sink):
    body, invoice = send(make_sink(document_type_id=MANUAL_FV_ID))
    assert body["document"] == {"id": MANUAL_FV_ID}
    assert invoice["name"].startswith("FV-2-") and "stamp" not in invoice  # the non-electronic type


def test_cost_center_centro_de_costos(make_sink):
    body, invoice = send(make_sink(cost_center_id=236))
    assert body["cost_center"] == 236 and invoice["cost_center"] == 236
    body, _ = send(make_sink())
    assert "cost_center" not in body  # optional: not sent unless configured


def test_payment_form_forma_de_pago_pays_exactly_siigos_total(make_sink):
    lines = [("SKU-0002", 3, 33333), ("SKU-0003", 1, 19999.99), ("SKU-0004", 7, 1234.57)]
    body, invoice = send(make_sink(), order(*lines))
    assert body["payments"] == [{"id": CASH_PAYMENT_ID, "value": invoice["total"]}]
    assert invoice["payments"][0]["id"] == CASH_PAYMENT_ID
    assert abs(Decimal(str(invoice["total"])) - Decimal("3") * 33333 - Decimal("19999.99")
               - 7 * Decimal("1234.57")) <= Decimal("0.05")  # what the buyer paid, to Siigo's rounding


def test_payment_form_with_due_date_gets_one(make_sink):
    body, invoice = send(make_sink(payment_type_id=CREDIT_PAYMENT_ID, payment_due_days=30))
    due = (today_in_bogota() + timedelta(days=30)).isoformat()
    assert body["payments"][0]["due_date"] == due and invoice["payments"][0]["due_date"] == due


def test_customer_document_type_and_city_for_new_customers(make_sink, siigo):
    buyer = BUYER.model_copy(update={"doc_type": None, "doc_number": "80123456"})
    send(make_sink(customer_id_type="22", customer_state_code="05", customer_city_code="05001"), order(buyer=buyer))
    customer = next(c for c in siigo.inspect_get("/_sandbox/customers") if c["identification"] == "80123456")
    assert customer["id_type"]["code"] == "22"
    assert customer["address"]["city"]["state_code"] == "05" and customer["address"]["city"]["city_code"] == "05001"
    assert customer["name"] == ["Camila", "Rojas Díaz"] and customer["contacts"][0]["email"] == BUYER.email


def test_order_document_type_wins_and_nit_is_a_company(make_sink, siigo):
    buyer = BUYER.model_copy(update={"doc_type": "NIT", "doc_number": "900555123-4", "company": "Café Andino SAS"})
    body, _ = send(make_sink(), order(buyer=buyer))
    assert body["customer"] == {"identification": "900555123", "branch_office": 0}
    customer = next(c for c in siigo.inspect_get("/_sandbox/customers") if c["identification"] == "900555123")
    assert customer["id_type"]["code"] == "31" and customer["person_type"] == "Company"
    assert customer["name"] == ["Café Andino SAS"]


def test_existing_customer_is_not_created_again(make_sink, siigo):
    buyer = BUYER.model_copy(update={"doc_number": "1033444555"})
    send(make_sink(), order(buyer=buyer))
    send(make_sink(), order(buyer=buyer))
    creates = [w for w in siigo.writes() if w["route"] == "POST /v1/customers"
               and w["body"]["identification"] == "1033444555"]  # fmt: skip
    assert len(creates) == 1


def test_currency_and_exchange_rate(make_sink):
    body, invoice = send(make_sink(currency="USD", exchange_rate="3950.5"))
    assert body["currency"] == {"code": "USD", "exchange_rate": 3950.5} and invoice["currency"]["code"] == "USD"
    body, _ = send(make_sink())
    assert "currency" not in body  # COP, the local currency, must not be sent


def test_products_warehouse(make_sink):
    body, _ = send(make_sink(products_warehouse_id=1271))
    assert {item["warehouse"] for item in body["items"]} == {1271}


def test_generic_sku_invoices_unknown_products(make_sink):
    the_order = order(("SKU-0001", 1, 50000), ("NO-EXISTE-9", 2, 25000))
    without = decide(make_sink(), the_order)
    assert without.action == "error" and without.category == rules.UNLINKED_SKU
    sink = make_sink(use_generic_sku=True, generic_sku="SKU-0030")
    body, invoice = send(sink, the_order)
    assert [item["code"] for item in body["items"]] == ["SKU-0001", "SKU-0030"]
    assert [item["code"] for item in invoice["items"]] == ["SKU-0001", "SKU-0030"]


def test_send_to_dian_stamps_the_invoice(make_sink):
    body, invoice = send(make_sink(send_to_dian=True))
    assert body["stamp"] == {"send": True}
    assert invoice["stamp"]["status"] == "Accepted" and len(invoice["stamp"]["cufe"]) == 96
    body, invoice = send(make_sink())
    assert body["stamp"] == {"send": False} and invoice["stamp"]["status"] == "Draft"  # the article's default


def test_send_to_dian_refuses_zero_price_lines_and_off_drops_them(make_sink):
    gift = order(("SKU-0001", 1, 80000), ("SKU-0002", 1, 0))
    refused = decide(make_sink(send_to_dian=True), gift)
    assert refused.action == "error" and refused.category == rules.ZERO_PRICE
    body, _ = send(make_sink(), gift)
    assert [item["code"] for item in body["items"]] == ["SKU-0001"]


def test_send_email(make_sink):
    body, invoice = send(make_sink(send_email=True))
    assert body["mail"] == {"send": True} and invoice["mail"]["status"] == "sent"


def test_observations_cite_the_order_and_its_date(make_sink):
    the_order = order(created=datetime(2026, 11, 2, 9, 0).astimezone())
    body, invoice = send(make_sink(), the_order)
    assert the_order.id in body["observations"] and "2026-11-02" in body["observations"]
    assert invoice["observations"] == body["observations"]
    body, _ = send(make_sink(observations=False))
    assert "observations" not in body


def test_default_email_and_phone_fill_the_new_customer(make_sink, siigo):
    buyer = BUYER.model_copy(update={"email": None, "phone": None, "doc_number": "52999888"})
    send(make_sink(default_email="facturas@medellinhogar.co", default_phone="6045550000"), order(buyer=buyer))
    customer = next(c for c in siigo.inspect_get("/_sandbox/customers") if c["identification"] == "52999888")
    assert customer["contacts"][0]["email"] == "facturas@medellinhogar.co"
    assert customer["phones"][0]["number"] == "6045550000"


def test_default_document_for_buyers_without_one(make_sink):
    buyer = BUYER.model_copy(update={"doc_type": None, "doc_number": None})
    refused = decide(make_sink(), order(buyer=buyer))
    assert refused.action == "error" and refused.category == rules.CLIENT_INCOMPLETE
    body, _ = send(make_sink(default_document="222222222222"), order(buyer=buyer))
    assert body["customer"]["identification"] == "222222222222"


def test_shipping_line_uses_the_shipping_product(make_sink):
    the_order = order().model_copy(update={"shipping_cost": Decimal(11900)})
    body, invoice = send(make_sink(shipping_sku="SERV-INSTALACION", products_warehouse_id=1270), the_order,
                         shipping_as_line=True)
    shipping = body["items"][-1]
    assert shipping["code"] == "SERV-INSTALACION" and "warehouse" not in shipping  # a service: no stock
    assert invoice["payments"][0]["value"] == invoice["total"]


def test_vat_tax_id_is_the_lines_iva_and_the_rules_rate(make_sink):
    sink = make_sink(vat_tax_id=13157)  # IVA 5%
    assert sink.rule_options()["vat_rate"] == Decimal("0.05")
    body, invoice = send(sink, order(("SKU-0005", 1, 105000)))
    assert body["items"][0]["taxes"] == [{"id": 13157}] and body["items"][0]["taxed_price"] == 105000
    assert invoice["items"][0]["taxes"][0]["percentage"] == 5 and invoice["total"] == 105000
    default = make_sink()
    assert default.rule_options()["vat_rate"] == Decimal("0.19") and default.vat_tax()[0] == 13156


# --- exactly once, dating, errors ------------------------------------------------------------------


def test_idempotency_key_is_our_reference_and_a_resend_returns_the_same_invoice(make_sink, siigo):
    sink = make_sink()
    draft = decide(sink, order()).draft
    first, second = sink.create(draft), sink.create(draft)
    assert first.doc_id == second.doc_id and first.number == second.number
    keys = [i["_idempotency_key"] for i in siigo.inspect_get("/_sandbox/invoices") if i["id"] == first.doc_id]
    assert keys == [idempotency_key(draft.channel, draft.reference)]


def test_backfilled_orders_are_dated_today_and_cite_the_order_date(make_sink, siigo):
    """A late run or backfill: issue_date (the run's day) and the order are in the past; Siigo refuses a
    back-dated electronic invoice, so the sink dates it today in Bogotá and cites the order's date."""
    sink = make_sink(send_to_dian=True)
    old = order(created=datetime(2026, 1, 15, 10, 0).astimezone())
    options = rules.InvoicingOptions(**({"reference_prefix": "AS"} | sink.rule_options()))
    draft = rules.decide(old, {"SKU-0001"}, date(2026, 1, 15), options).draft
    record = sink.create(draft)
    invoice = sink.hook.get_invoice(record.doc_id)
    assert invoice["date"] == siigo.store.today().isoformat() == today_in_bogota().isoformat()
    assert "2026-01-15" in invoice["observations"]


def test_the_sandbox_refuses_back_dated_electronic_invoices(make_sink):
    sink = make_sink()
    sink.today = lambda: today_in_bogota() - timedelta(days=1)
    with pytest.raises(PermanentError) as refused:
        sink.create(decide(sink, order()).draft)
    assert refused.value.vendor_message.startswith("invalid_date")
    assert sink.categorize(refused.value.vendor_message) == rules.VENDOR_REJECTED


def test_unknown_product_is_categorized_unlinked(make_sink):
    sink = make_sink()
    draft = decide(sink, order(("GONE-1", 1, 1000)), known={"GONE-1"}).draft
    with pytest.raises(PermanentError) as refused:
        sink.create(draft)
    assert sink.categorize(refused.value.vendor_message) == rules.UNLINKED_SKU


def test_customer_without_contacts_is_client_incomplete(make_sink, siigo):
    no_contacts = next(c for c in siigo.store.customers if not c["contacts"])
    buyer = BUYER.model_copy(update={"doc_number": no_contacts["identification"]})
    sink = make_sink()
    with pytest.raises(PermanentError) as refused:
        sink.create(decide(sink, order(buyer=buyer)).draft)
    assert sink.categorize(refused.value.vendor_message) == rules.CLIENT_INCOMPLETE


def test_an_identification_siigo_cannot_take_is_client_incomplete_before_any_call(make_sink, siigo):
    sink = make_sink()
    draft = decide(sink, order(buyer=BUYER.model_copy(update={"doc_type": "CC", "doc_number": "N/A"}))).draft
    siigo.reset_counters()
    with pytest.raises(PermanentError) as refused:
        sink.create(draft)
    assert sink.categorize(refused.value.vendor_message) == rules.CLIENT_INCOMPLETE
    assert siigo.counters()["writes"] == 0


@pytest.mark.parametrize(("message", "category"), [
    ("invalid_reference: The product code X does not exist", rules.UNLINKED_SKU),
    ("invalid_reference: The customer 123 does not exist", rules.CLIENT_INCOMPLETE),
    ("invalid_email: The email x is not valid", rules.CLIENT_INCOMPLETE),
    ("parameter_required: Items with price 0 require tax_base greater than 0", rules.ZERO_PRICE),
    ("invalid_total_payments: The total payments must be equal", rules.VENDOR_REJECTED),
    ("requests_limit: The request limit has been exceeded", rules.TRANSIENT),
    (None, rules.VENDOR_REJECTED),
])  # fmt: skip
def test_categorize_siigo_error_codes(message, category):
    assert SiigoInvoiceSink.categorize(message) == category


def test_invoicing_ids_are_required():
    settings = SiigoSettings(vendor="siigo", conn_id="siigo_crm")
    with pytest.raises(ValueError, match="seller_id, document_type_id, payment_type_id"):
        SiigoInvoiceSink(settings, hook=object())
