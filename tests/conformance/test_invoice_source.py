"""Every invoice source (an ERP's sales invoices, for the CRM flow): more than a page of invoices,
each once, every one created or edited inside the window, and a sub-window's part of the whole."""

from __future__ import annotations

import pytest
from conformance_kit import harness_of, vendors_with

VENDORS = vendors_with("invoice_source")


@pytest.fixture
def source(connector):
    return lambda vendor, handle: connector("invoice_source", vendor, handle)


def _touched(invoice, start, end) -> bool:
    return start <= invoice.created_at < end or (invoice.updated_at is not None and start <= invoice.updated_at < end)


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_invoices_of_a_window_each_once(vendor, source):
    harness = harness_of(vendor)
    with harness.serve(invoices=2 * harness.invoice_page_size + 5) as handle:
        erp = source(vendor, handle)
        start, end = harness.invoice_window(handle)
        everything = erp.read_invoices(start, end)
        ids = [invoice.id for invoice in everything]
        assert len(ids) == len(set(ids)) and len(ids) > harness.invoice_page_size
        assert all(_touched(invoice, start, end) for invoice in everything)
        created = sorted(invoice.created_at for invoice in everything)
        low, high = created[len(created) // 3], created[2 * len(created) // 3]
        part = {invoice.id for invoice in erp.read_invoices(low, high)}
    assert {invoice.id for invoice in everything if low <= invoice.created_at < high} <= part
    assert part <= set(ids)
