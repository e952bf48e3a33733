"""Every invoice source (an ERP's sales invoices, for the CRM flow): more than a page of invoices,
each once, every one created or edited inside the window, and a sub-window's part of the whole."""

from __future__ import annotations

import pytest
from conformance_kit import harness_of, hook_class, vendors_with

from puente.connectors import registry

VENDORS = vendors_with("invoice_source")


@pytest.fixture
def source(connect, quick_retries):
    def make(vendor: str, handle):
        quick_retries(hook_class(vendor))
        settings = registry.load(registry.vendor(vendor).settings).model_validate(
            harness_of(vendor).settings(connect(vendor, handle)))
        return registry.invoice_source(settings)

    return make


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
