"""Real DAG runs of a tenant's invoicing against the Bsale and Jumpseller sandboxes.

The scenario's categories (plain, factura, zero_value, partial_zero, unlinked_sku, serial,
no_stock, unpaid) say what must happen to each order; the sandboxes' stored documents say what
did. Catalog sync runs first, as in production: it is what links SKUs.
"""

from __future__ import annotations

from collections import Counter

import pytest
from dag_runs import bsale_connection, jumpseller_connection, run, run_states, window
from dag_runs import ledger_by_order as ledger_of

from puente.state.store import StateStore

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_inv
name: Invoicing Store
country: CL
timezone: America/Santiago
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 2, retry_delay_seconds: 0, chunk_size: {chunk}, claim_lease_minutes: 0}}
"""


@pytest.fixture
def invoicing_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    def build(chunk: int = 25, with_preview: bool = False):
        text = TENANT.format(office=catalog_scenario.sync_office_id, price_list=catalog_scenario.sync_price_list_id,
                             chunk=chunk)
        dags = tenant_from("it_inv", text, {"it_bsale": bsale_connection(bsale_sandbox),
                                            "it_jumpseller": jumpseller_connection(jumpseller_sandbox)})
        return (dags["catalog_sync"], dags["invoicing"], *([dags["preview"]] if with_preview else []))

    return build


def ledger_by_order() -> dict[int, dict]:
    return ledger_of("it_inv")


def documents_by_sales_id(bsale_sandbox) -> Counter:
    return Counter(doc["salesId"] for doc in bsale_sandbox.inspect_get("/_sandbox/documents"))


def order_documents(jumpseller_sandbox) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for document in jumpseller_sandbox.inspect_get("/_sandbox/orders/documents"):
        found.setdefault(int(document["order_id"]), []).append(document)
    return found


def office_available(bsale_sandbox, office: int) -> dict[str, float]:
    return {
        item["sku"]: next((s["available"] for s in item["stocks"] if s["office_id"] == office), 0.0)
        for item in bsale_sandbox.inspect_get("/_sandbox/catalog")
    }


def test_mixed_orders_give_exactly_the_expected_documents_skips_and_errors(
    invoicing_dags, bsale_sandbox, jumpseller_sandbox, catalog_scenario, order_scenario
):
    catalog, invoicing = invoicing_dags()
    assert run(catalog) == "success"
    stock_before = office_available(bsale_sandbox, catalog_scenario.sync_office_id)

    # orders in error wait for a person: the run is red through its needs_attention leaf, and only there
    state, tasks = run_states(invoicing, **window(order_scenario))
    assert state == "failed"
    assert {task: s for task, s in tasks.items() if s != "success"} == {"needs_attention": "failed",
                                                                          "watcher": "skipped"}

    ledger = ledger_by_order()
    paid = set(order_scenario.paid)
    assert set(ledger) == paid  # unpaid orders are never touched
    statuses = {order_id: (row["status"], row["category"]) for order_id, row in ledger.items()}
    for order_id in order_scenario.invoiceable:
        assert statuses[order_id] == ("invoiced", None), order_id
    for order_id in set(order_scenario.zero_value) & paid:
        assert statuses[order_id][0] == "skipped"
        assert "zero-value" in ledger[order_id]["reason"]
    expected_errors = {"unlinked_sku": "unlinked_sku", "serial": "serial_required", "no_stock": "no_stock"}
    for category, ours in expected_errors.items():
        ids = set(getattr(order_scenario, category)) & paid
        assert ids, category
        for order_id in ids:
            assert statuses[order_id] == ("error", ours), (order_id, ledger[order_id]["reason"])
    for order_id in set(order_scenario.serial) & paid:
        assert ledger[order_id]["reason"] == order_scenario.bsale_errors[order_id]  # vendor's words, verbatim

    documents = bsale_sandbox.inspect_get("/_sandbox/documents")
    by_sales_id = {doc["salesId"]: doc for doc in documents}
    assert sorted(by_sales_id) == sorted(f"JS-{i}" for i in order_scenario.invoiceable)
    assert len(documents) == len(by_sales_id)  # one document per order, never two
    for order_id in order_scenario.invoiceable:
        doc = by_sales_id[f"JS-{order_id}"]
        expected_code = "33" if order_id in order_scenario.factura else "39"
        assert str(doc["codeSii"]) == expected_code
        nonzero = [line for line in order_scenario.order(order_id)["products"] if line["price"] > 0]
        assert len(doc["details"]) == len(nonzero)

    stock_after = office_available(bsale_sandbox, catalog_scenario.sync_office_id)
    tracked = set(stock_before) - set(catalog_scenario.unlimited_skus)  # Bsale keeps no stock for those
    dispatched = {sku: qty for sku, qty in order_scenario.demand().items() if sku in tracked}
    assert dispatched
    for sku in tracked:
        assert stock_before[sku] - stock_after[sku] == pytest.approx(dispatched.get(sku, 0)), sku

    attached = order_documents(jumpseller_sandbox)
    for order_id in order_scenario.invoiceable:
        assert [doc["external_id"] for doc in attached.get(order_id, [])] == [ledger[order_id]["erp_doc_id"]]
        assert ledger[order_id]["attached"] is True
    assert set(attached) == set(order_scenario.invoiceable)

    report = StateStore().latest_report("it_inv", "invoicing")
    assert report["counts"]["documents_created"] == len(order_scenario.invoiceable)
    assert report["counts"]["failed"] == sum(len(set(getattr(order_scenario, c)) & paid) for c in expected_errors)
    assert report["status"] == "partial"

    # the same window again creates nothing and attaches nothing twice
    writes_before = len(jumpseller_sandbox.writes())
    assert run(invoicing, **window(order_scenario)) == "success"
    assert documents_by_sales_id(bsale_sandbox) == Counter({key: 1 for key in by_sales_id})
    assert len(jumpseller_sandbox.writes()) == writes_before


def test_the_preview_dag_decides_but_creates_nothing(invoicing_dags, bsale_sandbox, jumpseller_sandbox,
                                                     order_scenario):
    catalog, _, preview = invoicing_dags(with_preview=True)
    assert run(catalog) == "success"
    assert run(preview, flow="invoicing", **window(order_scenario)) == "success"
    assert bsale_sandbox.inspect_get("/_sandbox/documents") == []
    assert jumpseller_sandbox.inspect_get("/_sandbox/orders/documents") == []
    assert ledger_by_order() == {}
    collected = StateStore().latest_report("it_inv", "invoicing/it_jumpseller/collect")
    assert collected["dry_run"] is True
    paid = set(order_scenario.paid)
    refused_only_by_bsale = (set(order_scenario.serial) | set(order_scenario.no_stock)) & paid
    assert collected["counts"]["would_invoice"] == len(order_scenario.invoiceable) + len(refused_only_by_bsale)
    assert collected["counts"]["would_skip"] == len(set(order_scenario.zero_value) & paid)
    assert collected["counts"]["would_error"] == len(set(order_scenario.unlinked_sku) & paid)
    report = StateStore().latest_report("it_inv", "invoicing")
    assert report["dry_run"] is True and report["counts"]["would_invoice"] == collected["counts"]["would_invoice"]


def test_a_dry_run_asked_of_the_invoicing_dag_is_refused_before_any_vendor_call(
    invoicing_dags, bsale_sandbox, jumpseller_sandbox, order_scenario
):
    _, invoicing = invoicing_dags()
    assert run(invoicing, dry_run=True, **window(order_scenario)) == "failed"
    assert bsale_sandbox.inspect_get("/_sandbox/documents") == []
    assert jumpseller_sandbox.counters()["total_requests"] == 0  # not even a read: refused before any call
    assert ledger_by_order() == {} and StateStore().latest_report("it_inv", "invoicing") is None


def test_order_ids_param_invoices_exactly_those_now(invoicing_dags, bsale_sandbox, order_scenario):
    catalog, invoicing = invoicing_dags()
    assert run(catalog) == "success"
    chosen = [str(i) for i in order_scenario.invoiceable[:3]]
    assert run(invoicing, order_ids=chosen) == "success"
    assert sorted(documents_by_sales_id(bsale_sandbox)) == sorted(f"JS-{i}" for i in chosen)
