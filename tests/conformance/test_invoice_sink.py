"""Every invoice sink: a decided order becomes one document, and after a lost answer the sink settles
it the way it declares (an idempotent re-send, a lookup by our reference, or a person), never with a
second document."""

from __future__ import annotations

from datetime import date

import pytest
from conformance_kit import harness_of, vendors_with

from puente.connectors import registry
from puente.hooks.errors import VendorError
from puente.models import Order
from puente.rules import invoicing as rules

VENDORS = vendors_with("invoice_sink")


@pytest.fixture
def sink(connector):
    return lambda vendor, handle: connector("invoice_sink", vendor, handle)


def draft_for(vendor: str, handle, sink, number: int):
    """The order the harness gives, decided by the rules exactly as the invoicing flow does."""
    order = Order.model_validate(harness_of(vendor).invoice_order(handle, number))
    own = sink.rule_options() if hasattr(sink, "rule_options") else {}  # as the invoicing operator asks
    options = rules.InvoicingOptions(**({"reference_prefix": "CF"} | own))
    decision = rules.decide(order, {line.sku for line in order.lines}, date.today(), options)
    assert decision.action == "invoice", decision
    return decision.draft


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_decided_order_becomes_one_document(vendor, sink):
    harness = harness_of(vendor)
    with harness.serve() as handle:
        erp, before = sink(vendor, handle), harness.document_count(handle)
        record = erp.create(draft_for(vendor, handle, erp, 1))
        assert record.doc_id and record.kind
        assert harness.document_count(handle) == before + 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_lost_answer_is_settled_the_declared_way_and_never_makes_two(vendor, sink):
    harness = harness_of(vendor)
    with harness.serve() as handle:
        erp = sink(vendor, handle)
        erp.create(draft_for(vendor, handle, erp, 1))  # tokens, clients and the like exist from here on
        before = harness.document_count(handle)
        draft = draft_for(vendor, handle, erp, 2)
        handle.set_faults(lost_response_rate=1.0)  # every write is committed, its answer lost
        try:
            settled = erp.create(draft)  # a sink may settle it at once (a lookup inside create)
        except VendorError as exc:
            settled = None  # a sink that cannot re-send safely must say it does not know (a person decides)
            assert erp.idempotent or getattr(exc, "uncertain", False), f"a lost answer must be uncertain: {exc!r}"
        assert handle.counters()["faults_injected"]["lost_response"] >= 1
        handle.clear_faults()
        if settled is None and erp.idempotent:
            settled = erp.create(draft)  # the declared way: the same key returns the same document
        elif settled is None and hasattr(erp, "find"):
            settled = erp.find(draft)  # the declared way: found again by our reference
        made = harness.document_count(handle) - before
        if settled is None:  # neither: the ledger hands the order to a person and never re-sends it
            assert not erp.idempotent and not hasattr(erp, "find")
        assert made == 1, f"{made} documents for one order"


@pytest.mark.parametrize("vendor", [v for v in VENDORS if hasattr(registry.connector_class("invoice_sink", v), "find")])
def test_a_lookup_finds_nothing_for_an_order_never_sent(vendor, sink):
    harness = harness_of(vendor)
    with harness.serve() as handle:
        erp = sink(vendor, handle)
        erp.create(draft_for(vendor, handle, erp, 1))
        assert erp.find(draft_for(vendor, handle, erp, 99)) is None
