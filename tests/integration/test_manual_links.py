"""Manual links on real DAG runs: a listing whose SKU differs gets the ERP's stock and price, and
an unlink stops it ("Sincroniza manualmente tus productos")."""

from __future__ import annotations

import pytest
from test_catalog_sync_dag import expected_listings, put_paths, run, store_view, tenant_dag, written_skus

from puente.cli import main
from puente.state.store import StateStore

pytestmark = pytest.mark.integration
__all__ = ["tenant_dag"]  # the fixture, shared with the catalog sync tests


def table(out: str) -> list[list[str]]:
    """The CLI's tab-separated rows (the DAG runs' log lines share stdout in these tests)."""
    return [line.split("\t") for line in out.splitlines() if "\t" in line]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_manual_link_syncs_a_listing_with_another_sku_and_unlinking_stops_it(
    tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario, capsys
):
    dag = tenant_dag()
    assert run(dag)[0] == "success"
    expected = expected_listings(bsale_sandbox, catalog_scenario.sync_office_id, catalog_scenario.sync_price_list_id)
    erp_sku = sorted(set(catalog_scenario.bsale_only_skus) & set(expected))[0]
    listing_sku = sorted(catalog_scenario.jumpseller_only_skus)[0]
    assert store_view(jumpseller_sandbox)[listing_sku] != expected[erp_sku]

    code, out, err = cli(capsys, "catalog", "link", "it_store", erp_sku, "--listing-sku", listing_sku,
                         "--by", "ana@acme", "--note", "same shirt, old code")
    assert code == 0, err
    assert f"to ERP SKU {erp_sku}" in out
    state, report = run(dag)
    assert state == "success", report
    assert store_view(jumpseller_sandbox)[listing_sku] == expected[erp_sku]
    assert report["counts"]["linked_manual"] == 1
    code, out, _ = cli(capsys, "catalog", "links", "it_store")
    row = next(cells for cells in table(out) if cells[1] == erp_sku)
    assert row[2:5] == ["linked", "manual", listing_sku] and row[6].startswith("ana@acme ")
    _, unmatched, _ = cli(capsys, "catalog", "links", "it_store", "--unmatched", "channel")
    assert listing_sku not in unmatched and erp_sku not in unmatched

    # the link survives a sync: the ERP's stock changes, the listing follows
    bsale_sandbox.inspect_post("/_sandbox/stock", {"sku": erp_sku, "office_id": catalog_scenario.sync_office_id,
                                                   "available": 41})
    assert run(dag)[0] == "success"
    assert store_view(jumpseller_sandbox)[listing_sku]["stock"] == 41

    code, out, err = cli(capsys, "catalog", "unlink", "it_store", "--erp-sku", erp_sku)
    assert code == 0, err
    bsale_sandbox.inspect_post("/_sandbox/stock", {"sku": erp_sku, "office_id": catalog_scenario.sync_office_id,
                                                   "available": 7})
    paths = put_paths(jumpseller_sandbox)
    before = len(jumpseller_sandbox.writes())
    state, report = run(dag)
    assert state == "success"
    assert listing_sku not in written_skus(jumpseller_sandbox, before, paths)
    assert store_view(jumpseller_sandbox)[listing_sku]["stock"] == 41
    statuses = {row["sku"]: row["status"] for row in StateStore().links("it_store")}
    assert (statuses[erp_sku], statuses[listing_sku]) == ("source_only", "target_only")


def test_links_that_cannot_hold_are_refused_with_one_line_each(
    tenant_dag, bsale_sandbox, jumpseller_sandbox, catalog_scenario, capsys
):
    tenant_dag()
    expected = expected_listings(bsale_sandbox, catalog_scenario.sync_office_id, catalog_scenario.sync_price_list_id)
    erp_sku, other_erp = sorted(set(catalog_scenario.bsale_only_skus) & set(expected))[:2]
    first, second = sorted(catalog_scenario.jumpseller_only_skus)[:2]

    code, _, err = cli(capsys, "catalog", "link", "it_store", "NO-SUCH-SKU", "--listing-sku", first)
    assert code == 1 and "the ERP (bsale) has no product with SKU 'NO-SUCH-SKU'" in err
    code, _, err = cli(capsys, "catalog", "link", "it_store", erp_sku, "--listing-sku", "NO-SUCH-LISTING")
    assert code == 1 and "no listing with SKU 'NO-SUCH-LISTING'" in err
    assert cli(capsys, "catalog", "link", "it_store", erp_sku, "--listing-sku", first)[0] == 0
    code, _, err = cli(capsys, "catalog", "link", "it_store", erp_sku, "--listing-sku", second)
    assert code == 1 and "would oversell" in err
    code, _, err = cli(capsys, "catalog", "link", "it_store", other_erp, "--listing-sku", first)
    assert code == 1 and f"is linked by hand to {erp_sku}" in err
    code, out, _ = cli(capsys, "catalog", "link", "it_store", erp_sku, "--listing-sku", first)
    assert code == 0 and "already linked" in out
    code, _, err = cli(capsys, "catalog", "unlink", "it_store", "--erp-sku", other_erp)
    assert code == 1 and "no manual link" in err
    code, _, err = cli(capsys, "catalog", "link", "ghost_tenant", erp_sku, "--listing-sku", first)
    assert code == 1 and "ghost_tenant" in err and "Traceback" not in err
