"""ContabiliumInvoiceSink against the Contabilium sandbox: clients once, AFIP letters, e-mails, lines.

Assertions read what the sandbox holds (``/_sandbox/invoices``, ``/clients``, ``/emails``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from puente.hooks.errors import PermanentError
from puente.models import Buyer, DraftLine, InvoiceDraft
from puente.rules import invoicing as rules
from puente.vendors.contabilium.invoice_sink import ContabiliumInvoiceSink
from puente.vendors.contabilium.settings import ContabiliumSettings
from puente_sandbox.contabilium import generate_contabilium_data, run_contabilium_sandbox

ROSARIO = 31294
LINE = DraftLine(sku="SKU-0001", description="Mate", quantity=Decimal(2), net_unit_price=Decimal("1000.00"),
                 gross_unit_price=Decimal("1210.00"))
SHIPPING = DraftLine(sku=None, description="Envío", quantity=Decimal(1), net_unit_price=Decimal("500.00"),
                     gross_unit_price=Decimal("605.00"))
PERSON = Buyer(name="Lucía Sosa", email="lucia@correo.com.ar", doc_number="30.123.456")
COMPANY = Buyer(name="Ana Gómez", email="compras@acme.com.ar", doc_number="30-71234567-1", company="ACME SA")


@pytest.fixture
def sandbox() -> Iterator:
    with run_contabilium_sandbox(generate_contabilium_data(n_products=20), rate_limits=None) as handle:
        yield handle


@pytest.fixture
def sink(sandbox, contabilium_hook):
    def build(**options) -> ContabiliumInvoiceSink:
        settings = ContabiliumSettings(vendor="contabilium", conn_id="cb_sink", **options)
        return ContabiliumInvoiceSink(settings, hook=contabilium_hook(sandbox, "cb_sink"))

    return build


def draft(buyer: Buyer, order_id: str = "1001", lines=(LINE,)) -> InvoiceDraft:
    return InvoiceDraft(order_id=order_id, channel="js", kind="invoice", issue_date=date(2026, 11, 30),
                        reference=f"JS-{order_id}", client=buyer, lines=tuple(lines),
                        gross_total=sum((line.gross_unit_price * line.quantity for line in lines), Decimal(0)))


def invoices(sandbox) -> dict[str, dict]:
    return {i["RefExterna"]: i for i in sandbox.inspect_get("/_sandbox/invoices")}


def test_a_new_buyer_becomes_one_client_and_gets_a_factura_b_by_mail(sandbox, sink):
    clients_before = len(sandbox.inspect_get("/_sandbox/clients"))
    record = sink().create(draft(PERSON, "1001"))
    sink().create(draft(PERSON, "1002"))  # the same buyer again: found by DNI, not created again

    clients = sandbox.inspect_get("/_sandbox/clients")
    assert len(clients) == clients_before + 1
    assert (clients[-1]["NroDoc"], clients[-1]["CondicionIva"], clients[-1]["TipoDoc"]) == ("30123456", "CF", "DNI")
    made = invoices(sandbox)
    first = made["JS-1001"]
    assert first["TipoFc"] == "FCB" and first["Cae"] and first["IdCliente"] == clients[-1]["Id"]
    assert made["JS-1002"]["IdCliente"] == clients[-1]["Id"]
    assert first["Items"][0]["IdConcepto"] and first["Items"][0]["Codigo"] == "SKU-0001"
    assert (first["Items"][0]["PrecioUnitario"], first["Items"][0]["Iva"]) == (1000.0, 21.0)
    assert first["CondicionVenta"] == "Contado" and first["PuntoVenta"] == 59419  # first active point of sale
    assert (record.doc_id, record.kind) == (str(first["Id"]), "factura_b")
    assert record.number == f"B {first['Numero']}"
    emails = sandbox.inspect_get("/_sandbox/emails")
    assert [(e["IdComprobante"], e["Email"]) for e in emails][:1] == [(first["Id"], PERSON.email)]
    assert len(emails) == 2


def test_a_company_buyer_is_responsable_inscripto_and_gets_a_factura_a(sandbox, sink):
    sink().create(draft(COMPANY))
    client = sandbox.inspect_get("/_sandbox/clients")[-1]
    assert (client["RazonSocial"], client["CondicionIva"], client["TipoDoc"]) == ("ACME SA", "RI", "CUIT")
    assert invoices(sandbox)["JS-1001"]["TipoFc"] == "FCA"


def test_an_existing_client_found_by_email_keeps_its_iva_condition(sandbox, sink):
    existing = next(c for c in sandbox.inspect_get("/_sandbox/clients") if c["CondicionIva"] == "MO")
    before = len(sandbox.inspect_get("/_sandbox/clients"))
    sink().create(draft(Buyer(name="Someone", email=existing["Email"].upper())))
    assert len(sandbox.inspect_get("/_sandbox/clients")) == before
    made = invoices(sandbox)["JS-1001"]
    assert made["IdCliente"] == existing["Id"] and made["TipoFc"] == "FCA"  # RI issuer -> MO client: A


def test_an_issuer_without_vat_registration_only_issues_c(sandbox, sink):
    sandbox.store.issuer["CondicionIVA"] = "MO"
    sink().create(draft(COMPANY))
    assert invoices(sandbox)["JS-1001"]["TipoFc"] == "FCC"


def test_options_shipping_line_warehouse_point_of_sale_condition_vat_and_no_email(sandbox, sink):
    configured = sink(warehouse_id=ROSARIO, point_of_sale_id=59420, sale_condition="MercadoPago",
                      default_vat_rate=10.5, email_receipts=False)
    before = sandbox.inspect_get("/_sandbox/stock")["SKU-0001"].get(str(ROSARIO), 0)
    configured.create(draft(PERSON, lines=(LINE, SHIPPING)))
    made = invoices(sandbox)["JS-1001"]
    assert (made["Inventario"], made["PuntoVenta"], made["CondicionVenta"]) == (ROSARIO, 59420, "MercadoPago")
    assert made["TipoConcepto"] == 3  # products and a service (the shipping)
    assert [(i["Concepto"], i["IdConcepto"], i["Iva"]) for i in made["Items"]][1] == ("Envío", None, 10.5)
    assert sandbox.inspect_get("/_sandbox/stock")["SKU-0001"][str(ROSARIO)] == before - 2
    assert sandbox.inspect_get("/_sandbox/emails") == []
    assert configured.rule_options() == {"document_rule": "single", "vat_rate": Decimal("0.105")}


def test_a_buyer_without_document_goes_to_the_generic_client_or_waits(sandbox, sink):
    anonymous = Buyer(name="Sin Documento", email="nadie@correo.com.ar")
    with pytest.raises(PermanentError) as refused:
        sink().create(draft(anonymous))
    assert sink().categorize(refused.value.vendor_message) == rules.CLIENT_INCOMPLETE
    assert invoices(sandbox) == {}

    generic = sink(final_consumer_dni="99999999")
    generic.create(draft(anonymous, "1001"))
    generic.create(draft(Buyer(email="otra@correo.com.ar"), "1002"))
    created = [c for c in sandbox.inspect_get("/_sandbox/clients") if c["NroDoc"] == "99999999"]
    assert len(created) == 1 and created[0]["RazonSocial"] == "Consumidor Final"
    assert {i["IdCliente"] for i in invoices(sandbox).values()} == {created[0]["Id"]}
    assert {e["Email"] for e in sandbox.inspect_get("/_sandbox/emails")} == {"nadie@correo.com.ar",
                                                                              "otra@correo.com.ar"}


def test_a_chilean_rut_or_an_unknown_sku_is_refused_with_a_category(sandbox, sink):
    with pytest.raises(PermanentError) as rut:
        sink().create(draft(Buyer(email="x@y.cl", doc_number="12.345.678-5")))
    assert sink().categorize(rut.value.vendor_message) == rules.CLIENT_INCOMPLETE
    unknown = DraftLine(sku="NOPE-1", description="?", quantity=Decimal(1), net_unit_price=Decimal(1),
                        gross_unit_price=Decimal("1.21"))
    with pytest.raises(PermanentError) as sku:
        sink().create(draft(PERSON, lines=(unknown,)))
    assert sink().categorize(sku.value.vendor_message) == rules.UNLINKED_SKU
    assert invoices(sandbox) == {}
    assert not ContabiliumInvoiceSink.idempotent  # no documented lookup by our reference


def test_an_email_the_account_refuses_does_not_undo_the_factura(sandbox, sink):
    record = sink().create(draft(Buyer(name="Typo", email="sin-arroba.com.ar", doc_number="28111222")))
    assert invoices(sandbox)["JS-1001"]["Id"] == int(record.doc_id)  # invoiced, recorded, not retried
    assert sandbox.inspect_get("/_sandbox/emails") == []


def test_a_lost_answer_finds_the_new_client_by_document_and_the_factura_by_our_reference(sandbox, sink):
    warm = sink()
    warm.issuer_iva()  # the token and the account facts first: POST /token would be lost too
    sandbox.set_faults(lost_response_rate=1.0)  # every POST is committed, then its answer is lost
    record = warm.create(draft(PERSON))
    sandbox.clear_faults()
    assert [c["NroDoc"] for c in sandbox.inspect_get("/_sandbox/clients")].count("30123456") == 1
    issued = invoices(sandbox)
    assert list(issued) == ["JS-1001"]  # issued once, and found: no second AFIP factura
    assert record.doc_id == str(issued["JS-1001"]["Id"]) and record.kind == "factura_b"


def test_find_settles_what_either_lookup_shows_and_proves_the_rest_absent(sandbox, sink):
    created = sink(lookup_retry_delay_seconds=0).create(draft(PERSON, "1003"))
    assert sink(lookup_retry_delay_seconds=0).find(draft(PERSON, "1003")).doc_id == created.doc_id  # found
    searches_before = _searches(sandbox)
    # Never sent: the reference search (twice) and the days' full listing show nothing, so sending is safe.
    assert sink(lookup_retry_delay_seconds=0).find(draft(PERSON, "1004")) is None
    assert _searches(sandbox) - searches_before == 3

def test_a_comprobante_with_our_reference_and_another_total_is_for_a_person(sandbox, sink):
    from puente.connectors.protocols import NeedsPerson

    sink().create(draft(PERSON, "1005"))
    edited = draft(PERSON, "1005", lines=(LINE, SHIPPING))  # the order changed after it was invoiced
    with pytest.raises(NeedsPerson, match="totals"):
        sink(lookup_retry_delay_seconds=0).find(edited)


def _searches(sandbox) -> int:
    return sandbox.counters()["by_route"].get("GET /api/comprobantes/search", 0)
