"""Acceptance: ``retry_errors`` after linking the missing SKU invoices the previously failed order, once.

Real DAG runs against the Bsale and Jumpseller sandboxes, in the order a merchant lives it: an
order fails because one of its SKUs exists only in Jumpseller; plain re-runs leave it alone (an
error needs a person, retrying it blindly would only repeat the failure); the merchant creates the
SKU in Bsale itself; catalog sync links it; a ``retry_errors`` run invoices the order and attaches
the document; and no later run ever makes a second document for it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from dag_runs import bsale_connection, jumpseller_connection, run, window
from dag_runs import ledger_by_order as ledger_of

from puente.state.store import StateStore
from puente_sandbox.catalog_models import net_from_gross

pytestmark = pytest.mark.integration

TENANT_ID = "it_retry"
TENANT = """
tenant: it_retry
name: Retry Store
country: CL
timezone: America/Santiago
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 2, retry_delay_seconds: 0, chunk_size: 25, claim_lease_minutes: 0}}
"""


@pytest.fixture
def retry_dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    """The tenant's (catalog_sync, invoicing) DAGs, wired to this test's sandboxes."""
    text = TENANT.format(office=catalog_scenario.sync_office_id, price_list=catalog_scenario.sync_price_list_id)
    dags = tenant_from(TENANT_ID, text, {"it_bsale": bsale_connection(bsale_sandbox),
                                         "it_jumpseller": jumpseller_connection(jumpseller_sandbox)})
    return dags["catalog_sync"], dags["invoicing"]


def ledger_by_order() -> dict[int, dict]:
    return ledger_of(TENANT_ID)


def unlinked_lines(order_scenario, catalog_scenario, order_id: int) -> list[dict]:
    """The order's lines whose SKU Bsale does not know (what makes it an ``unlinked_sku`` order)."""
    web_only = set(catalog_scenario.jumpseller_only_skus)
    return [line for line in order_scenario.order(order_id)["products"] if line["sku"] in web_only]


def choose_order(order_scenario, catalog_scenario) -> tuple[int, str]:
    """A paid unlinked_sku order whose only unknown SKU no other order uses, fewest lines first.

    Its other lines are stock-safe by construction (the datagen charges them to the office's
    budget), so linking that one SKU is the whole fix. A SKU shared with other failed orders would
    fix those too; the test allows for it, but a lone SKU keeps the story about one order.
    """
    paid = set(order_scenario.paid)
    candidates = [i for i in order_scenario.unlinked_sku if i in paid]
    skus = {i: {line["sku"] for line in unlinked_lines(order_scenario, catalog_scenario, i)} for i in candidates}
    users = Counter(sku for found in skus.values() for sku in found)
    single = [i for i in candidates if len(skus[i]) == 1]
    assert single, "the scenario has no order failing on exactly one unlinked SKU"

    def preference(order_id: int) -> tuple[int, int, int]:
        [sku] = skus[order_id]
        return users[sku], len(order_scenario.order(order_id)["products"]), order_id

    chosen = min(single, key=preference)
    return chosen, next(iter(skus[chosen]))


def documents_by_sales_id(bsale_sandbox) -> Counter:
    return Counter(doc["salesId"] for doc in bsale_sandbox.inspect_get("/_sandbox/documents"))


def linked(sku: str) -> bool:
    """Whether Puente's state links ``sku`` to an ERP product (what invoicing checks lines against)."""
    return any(row["sku"] == sku and row["source_id"] for row in StateStore().links(TENANT_ID))


def order_documents(jumpseller_sandbox, order_id: int) -> list[str]:
    return [str(doc["external_id"]) for doc in jumpseller_sandbox.inspect_get("/_sandbox/orders/documents")
            if int(doc["order_id"]) == order_id]


def test_retry_errors_after_linking_the_sku_invoices_the_failed_order_once(
    retry_dags, bsale_sandbox, jumpseller_sandbox, catalog_scenario, order_scenario
):
    catalog, invoicing = retry_dags
    order_id, sku = choose_order(order_scenario, catalog_scenario)
    sales_id = f"JS-{order_id}"
    paid_unlinked = set(order_scenario.unlinked_sku) & set(order_scenario.paid)
    # every failed order this SKU alone held back (normally just the chosen one)
    unblocked = {i for i in paid_unlinked
                 if {line["sku"] for line in unlinked_lines(order_scenario, catalog_scenario, i)} == {sku}}
    still_blocked = paid_unlinked - unblocked

    # 1. catalog sync, then invoicing over the scenario's window: the order fails, fixably
    assert run(catalog) == "success"
    assert run(invoicing, **window(order_scenario)) == "failed"  # needs_attention: its errors wait for a person
    failed = ledger_by_order()[order_id]
    assert (failed["status"], failed["category"]) == ("error", "unlinked_sku"), failed["reason"]
    assert sku in failed["reason"] and "puente catalog link" in failed["reason"]
    assert failed["erp_doc_id"] is None
    documents = documents_by_sales_id(bsale_sandbox)
    assert sales_id not in documents
    assert set(documents.values()) == {1}

    # 2. a plain re-run keeps the error: not re-attempted, nothing created (so the run left nobody work)
    assert run(invoicing, **window(order_scenario)) == "success"
    kept = ledger_by_order()[order_id]
    assert (kept["status"], kept["category"], kept["reason"]) == ("error", "unlinked_sku", failed["reason"])
    assert kept["attempts"] == failed["attempts"]
    assert documents_by_sales_id(bsale_sandbox) == documents
    assert order_documents(jumpseller_sandbox, order_id) == []
    collected = StateStore().latest_report(TENANT_ID, "invoicing/it_jumpseller/collect")
    assert collected["counts"]["errors_kept"] >= len(paid_unlinked)
    assert not linked(sku)

    # 3. the merchant creates the SKU in Bsale, priced like the web listing, with enough stock
    line = unlinked_lines(order_scenario, catalog_scenario, order_id)[0]
    needed = sum(int(ln["qty"]) for i in unblocked for ln in unlinked_lines(order_scenario, catalog_scenario, i))
    created = bsale_sandbox.inspect_post("/_sandbox/variants", {
        "sku": sku, "name": line["name"], "office_id": catalog_scenario.sync_office_id,
        "available": needed + 5, "net": net_from_gross(line["price"]),
    })
    assert created["sku"] == sku

    # 4. catalog sync links it; retry_errors invoices the order, once, and attaches the document
    assert run(catalog) == "success"
    assert linked(sku)
    assert run(invoicing, retry_errors=True, **window(order_scenario)) == "failed"  # the other errors, retried

    ledger = ledger_by_order()
    invoiced = ledger[order_id]
    assert (invoiced["status"], invoiced["category"], invoiced["reason"]) == ("invoiced", None, None)
    assert invoiced["attempts"] == failed["attempts"] + 1
    after_retry = documents_by_sales_id(bsale_sandbox)
    assert after_retry[sales_id] == 1
    assert after_retry == documents + Counter({f"JS-{i}": 1 for i in unblocked})
    [document] = [d for d in bsale_sandbox.inspect_get("/_sandbox/documents") if d["salesId"] == sales_id]
    assert str(document["id"]) == str(invoiced["erp_doc_id"])
    assert sku in {detail["code"] for detail in document["details"]}
    assert len(document["details"]) == len([p for p in order_scenario.order(order_id)["products"] if p["price"] > 0])
    assert order_documents(jumpseller_sandbox, order_id) == [str(invoiced["erp_doc_id"])]
    assert invoiced["attached"] is True
    for other in unblocked:
        assert ledger[other]["status"] == "invoiced", (other, ledger[other]["reason"])
    for other in still_blocked:  # their SKUs are still unknown to Bsale
        assert (ledger[other]["status"], ledger[other]["category"]) == ("error", "unlinked_sku"), other

    # 5. retrying errors again creates nothing more for it, nor anything else
    writes_before = len(jumpseller_sandbox.writes())
    assert run(invoicing, retry_errors=True, **window(order_scenario)) == "failed"  # still waiting for a person
    assert documents_by_sales_id(bsale_sandbox) == after_retry
    again = ledger_by_order()[order_id]
    assert (again["status"], again["erp_doc_id"], again["attempts"]) == (
        "invoiced", invoiced["erp_doc_id"], invoiced["attempts"])
    assert order_documents(jumpseller_sandbox, order_id) == [str(invoiced["erp_doc_id"])]
    assert len(jumpseller_sandbox.writes()) == writes_before
