"""Manual links and the import ledger in state, on SQLite and PostgreSQL (``state_url``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from puente.state.catalog_import import CatalogImportLedger
from puente.state.manual_links import ManualLinks, manual_frame
from puente.state.store import StateStore


def test_a_listing_and_an_erp_sku_each_take_one_manual_link_per_channel(state_url):
    links = ManualLinks(StateStore(state_url))
    links.add("t1", "js", "10", "5", "ERP-1", listing_sku="WEB-1", linked_by="ana")
    links.add("t1", "js", "11", None, "ERP-2", listing_sku=None, linked_by="ana")
    links.add("t1", "other", "10", "5", "ERP-1", listing_sku="WEB-1", linked_by="ana")  # another channel
    with pytest.raises(sa.exc.IntegrityError):
        links.add("t1", "js", "10", "5", "ERP-3", listing_sku="WEB-1", linked_by="bob")  # the listing again
    with pytest.raises(sa.exc.IntegrityError):
        links.add("t1", "js", "12", None, "ERP-1", listing_sku="X", linked_by="bob")  # the ERP SKU again
    rows = links.rows("t1", "js")
    assert [(r["erp_sku"], r["linked_by"]) for r in rows] == [("ERP-1", "ana"), ("ERP-2", "ana")]
    frame = manual_frame(rows).fillna("")  # a simple product's variant is missing, as plan_catalog reads it
    assert frame.to_dict("records") == [{"product_id": "10", "variant_id": "5", "erp_sku": "ERP-1"},
                                        {"product_id": "11", "variant_id": "", "erp_sku": "ERP-2"}]
    assert links.remove("t1", "js", "11", None) and not links.remove("t1", "js", "11", None)
    assert [r["erp_sku"] for r in links.rows("t1")] == ["ERP-1", "ERP-1"]


def test_an_import_claim_is_taken_once_and_a_created_product_is_never_claimed_again(state_url):
    ledger = CatalogImportLedger(StateStore(state_url))
    assert ledger.claim("t1", "js", "P1", name="Polo", skus=["A"], claim="run-1") == {}
    assert ledger.claim("t1", "js", "P1", name="Polo", skus=["A"], claim="run-2") is None  # held by run-1
    assert ledger.created("t1", "js", "P1", claim="run-1", product_id="900", variants={"A": None}, created_by="cli")
    again = ledger.claim("t1", "js", "P1", name="Polo", skus=["A"], claim="run-3")
    assert again["status"] == "created" and again["product_id"] == "900"
    assert not ledger.failed("t1", "js", "P1", claim="run-3", reason="x")  # fenced: not pending
    assert ledger.rows("t1", "js")["P1"]["variants"] == {"A": None}
