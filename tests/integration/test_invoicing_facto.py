"""Real DAG runs of a Facto tenant: Jumpseller orders -> Facto boletas/facturas over SOAP.

Facto keeps no catalog, so SKUs need no link and stock is not its business: every paid order with
a priced line gets one document. Facto has no idempotency key and no lookup, so a send whose
answer is lost must never be repeated by itself: the order waits as ``uncertain`` for a person.
"""

from __future__ import annotations

from collections import Counter

import pytest
from dag_runs import jumpseller_connection, ledger_by_order, run, window

from puente.cli import main as puente
from puente_sandbox.credentials import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_facto
name: Facto Store
country: CL
erp: {{vendor: facto, conn_id: it_facto_erp}}
channels:
  - {{vendor: jumpseller, conn_id: it_facto_js}}
flows:
  catalog_sync: {{enabled: false}}
  invoicing: {{enabled: true, retries: 1, retry_delay_seconds: 0, chunk_size: 20, claim_lease_minutes: 0,
              default_phone: {phone}}}
"""


def facto_connection(handle) -> dict:
    return {"conn_type": "facto", "host": handle.base_url, "login": DEFAULT_FACTO_USER, "password": DEFAULT_FACTO_KEY,
            "extra": {"rate_limit_per_second": 0, "rate_limit_per_minute": 0}}


@pytest.fixture
def facto_dags(tenant_from, start_invoicing_sandboxes):
    def build(sandboxes, phone: str = '"+56 2 2345 6789"'):
        return tenant_from("it_facto", TENANT.format(phone=phone), {
            "it_facto_erp": facto_connection(sandboxes.facto),
            "it_facto_js": jumpseller_connection(sandboxes.jumpseller),
        })["invoicing"]

    return build


def facto_documents(sandboxes) -> Counter:
    return Counter(doc["identificador_externo_doc"] for doc in sandboxes.facto.inspect_get("/_sandbox/documents"))


def test_every_paid_priced_order_gets_one_facto_document(facto_dags, start_invoicing_sandboxes):
    with start_invoicing_sandboxes(n_orders=60, seed=3) as sandboxes:
        invoicing, orders = facto_dags(sandboxes), sandboxes.orders
        assert run(invoicing, **window(orders)) == "success"

        paid = set(orders.paid)
        skipped = set(orders.zero_value) & paid
        expected = paid - skipped
        assert expected & (set(orders.unlinked_sku) | set(orders.serial) | set(orders.no_stock))  # Bsale-only errors
        documents = sandboxes.facto.inspect_get("/_sandbox/documents")
        by_reference = {doc["identificador_externo_doc"]: doc for doc in documents}
        assert sorted(by_reference) == sorted(f"JS-{i}" for i in expected) and len(documents) == len(expected)
        for order_id in expected:
            assert by_reference[f"JS-{order_id}"]["tipo_dte"] == (33 if order_id in orders.factura else 39)

        ledger = ledger_by_order("it_facto")
        assert {i for i, row in ledger.items() if row["status"] == "invoiced"} == expected
        assert {i for i, row in ledger.items() if row["status"] == "skipped"} == skipped
        attached = Counter(
            int(doc["order_id"]) for doc in sandboxes.jumpseller.inspect_get("/_sandbox/orders/documents")
        )
        assert set(attached) == expected and set(attached.values()) == {1}

        assert run(invoicing, **window(orders)) == "success"  # again: nothing new
        assert len(sandboxes.facto.inspect_get("/_sandbox/documents")) == len(expected)


def test_facturas_without_a_phone_fail_with_factos_reason(facto_dags, start_invoicing_sandboxes):
    with start_invoicing_sandboxes(n_orders=40, seed=3) as sandboxes:
        invoicing, orders = facto_dags(sandboxes, phone="null"), sandboxes.orders
        assert run(invoicing, **window(orders)) == "failed"  # needs_attention: those facturas wait for a person
        ledger = ledger_by_order("it_facto")
        failed = {i: row for i, row in ledger.items() if row["status"] == "error"}
        assert failed and set(failed) <= set(orders.factura)
        for row in failed.values():
            assert row["category"] == "client_incomplete"
            assert "receptor_telefono" in row["reason"]  # Facto's words, verbatim


def test_a_lost_answer_is_never_resent_and_waits_for_a_person(facto_dags, start_invoicing_sandboxes):
    lost_answers = {"lost_response_rate": 0.2, "seed": 5}
    with start_invoicing_sandboxes(n_orders=60, seed=3, facto_faults=lost_answers) as sandboxes:
        invoicing, orders = facto_dags(sandboxes), sandboxes.orders
        run(invoicing, **window(orders))  # may end red if three answers in a row were lost
        sandboxes.facto.clear_faults()
        run(invoicing, **window(orders))

        documents = facto_documents(sandboxes)
        assert set(documents.values()) == {1}  # never twice, whatever was lost
        ledger = ledger_by_order("it_facto")
        uncertain = sorted(i for i, row in ledger.items() if row["status"] == "uncertain")
        assert uncertain, "the injected faults must have left orders for a person"
        assert all(f"JS-{i}" in documents for i in uncertain)  # lost answers: Facto did create them
        invoiced = {i for i, row in ledger.items() if row["status"] == "invoiced"}
        assert invoiced | set(uncertain) == set(orders.paid) - set(orders.zero_value)

        # the person finds the document in Facto and settles the order; nothing is sent again
        assert puente(["orders", "resolve", "it_facto", str(uncertain[0]), "--as", "skipped",
                       "--reason", "found in Facto"]) == 0
        assert run(invoicing, **window(orders)) == "success"
        assert facto_documents(sandboxes) == documents
