"""Acceptance: an order that failed ``unlinked_sku`` is invoiced with a person's ERP SKU, exactly once.

"Si el SKU no coincide debes colocar el SKU correspondiente y luego facturar": the product exists
in Bsale under another code. Through ``puente orders invoice --sku`` and through the invoicing
DAG's ``sku_overrides`` param; the Bsale sandbox's own documents are the proof.
"""

from __future__ import annotations

import pytest
from dag_runs import run, window
from test_invoicing_retry_errors import (
    TENANT_ID,
    choose_order,
    documents_by_sales_id,
    ledger_by_order,
    retry_dags,
    unlinked_lines,
)
from test_manual_links import cli, table

pytestmark = pytest.mark.integration
__all__ = ["retry_dags"]  # the fixture, shared with the retry_errors test


@pytest.fixture
def failed_order(retry_dags, bsale_sandbox, catalog_scenario, order_scenario):
    """A paid order in error for one unlinked SKU, and that product created in Bsale under another code."""
    catalog, invoicing = retry_dags
    order_id, sku = choose_order(order_scenario, catalog_scenario)
    assert run(catalog) == "success"
    assert run(invoicing, **window(order_scenario)) == "failed"  # needs_attention: orders in error
    assert ledger_by_order()[order_id]["category"] == "unlinked_sku"
    line = unlinked_lines(order_scenario, catalog_scenario, order_id)[0]
    erp_sku = f"ERP-{sku}"
    bsale_sandbox.inspect_post("/_sandbox/variants", {
        "sku": erp_sku, "name": line["name"], "office_id": catalog_scenario.sync_office_id,
        "available": int(line["qty"]) + 5, "net": 1000,
    })
    return order_id, sku, erp_sku


def the_document(bsale_sandbox, order_id: int) -> dict:
    [document] = [d for d in bsale_sandbox.inspect_get("/_sandbox/documents") if d["salesId"] == f"JS-{order_id}"]
    return document


def test_the_cli_override_invoices_the_failed_order_once_and_keeps_who_gave_it(
    retry_dags, failed_order, bsale_sandbox, order_scenario, capsys
):
    _, invoicing = retry_dags
    order_id, sku, erp_sku = failed_order
    documents = documents_by_sales_id(bsale_sandbox)

    for bad, reason in ((sku, "expected CHANNEL_SKU=ERP_SKU"), (f"NOT-A-LINE={erp_sku}", "has no line with SKU"),
                        (f"{sku}=NO-SUCH", "no product with SKU 'NO-SUCH'")):
        code, _, err = cli(capsys, "orders", "invoice", TENANT_ID, str(order_id), "--sku", bad)
        assert code == 1 and reason in err, err
    assert documents_by_sales_id(bsale_sandbox) == documents
    assert ledger_by_order()[order_id]["status"] == "error"

    code, out, err = cli(capsys, "orders", "invoice", TENANT_ID, str(order_id), "--sku", f"{sku}={erp_sku}",
                         "--by", "ana@acme")
    assert code == 0, out + err
    assert f"order {order_id}: invoiced" in out and "attach: attached" in out
    assert f"puente catalog link {TENANT_ID} {erp_sku} --listing-sku {sku}" in err
    assert documents_by_sales_id(bsale_sandbox)[f"JS-{order_id}"] == 1
    assert erp_sku in {detail["code"] for detail in the_document(bsale_sandbox, order_id)["details"]}
    row = ledger_by_order()[order_id]
    assert (row["status"], row["sku_overrides"], row["override_by"]) == ("invoiced", {sku: erp_sku}, "ana@acme")

    # again, by hand and by the DAG: nothing more
    code, out, _ = cli(capsys, "orders", "invoice", TENANT_ID, str(order_id), "--sku", f"{sku}={erp_sku}")
    assert code == 0 and f"order {order_id}: invoiced: document {row['erp_doc_number']}" in out
    assert run(invoicing, retry_errors=True, **window(order_scenario)) == "failed"  # the other errors, retried
    assert documents_by_sales_id(bsale_sandbox)[f"JS-{order_id}"] == 1

    _, listed, _ = cli(capsys, "orders", "list", TENANT_ID)
    [cells] = [cells for cells in table(listed) if cells[1] == str(order_id)]
    assert cells[9].startswith(f"{sku}={erp_sku} (by ana@acme, ")


def test_the_dag_param_override_invoices_the_order_once_and_a_bad_one_creates_nothing(
    retry_dags, failed_order, bsale_sandbox
):
    _, invoicing = retry_dags
    order_id, sku, erp_sku = failed_order
    documents = documents_by_sales_id(bsale_sandbox)
    assert run(invoicing, order_ids=[str(order_id)], sku_overrides={str(order_id): {sku: "NO-SUCH"}}) == "failed"
    assert documents_by_sales_id(bsale_sandbox) == documents
    # needs order_ids (given empty: dag.test keeps the previous run's params on the DAG object)
    assert run(invoicing, order_ids=[], sku_overrides={str(order_id): {sku: erp_sku}}) == "failed"

    for _ in range(2):
        assert run(invoicing, order_ids=[str(order_id)], sku_overrides={str(order_id): {sku: erp_sku}}) == "success"
    assert documents_by_sales_id(bsale_sandbox)[f"JS-{order_id}"] == 1
    assert erp_sku in {detail["code"] for detail in the_document(bsale_sandbox, order_id)["details"]}
    row = ledger_by_order()[order_id]
    assert row["status"] == "invoiced" and row["sku_overrides"] == {sku: erp_sku}
    assert row["override_by"].startswith("airflow:")
