"""The article's linking options in the plan: by hand first, then SKUs, exactly or normalised (reported)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from test_catalog import listings, lst, source, src, updates_by_sku

from puente.rules.catalog import CatalogOptions, plan_catalog


def manual(*links):
    return pd.DataFrame.from_records(links, columns=["product_id", "variant_id", "erp_sku"])


def by_sku(plan):
    return {row["sku"]: row for row in plan.link_records()}


def test_a_manual_link_pushes_the_erp_values_to_a_listing_whose_sku_differs():
    plan = plan_catalog(source(src("ERP-1", stock=9)), listings(lst("TIENDA-1", stock=2, product="10", variant="5")),
                        CatalogOptions(), manual(("10", "5", "ERP-1")))
    assert updates_by_sku(plan) == {"ERP-1": {"stock": 9, "unlimited": False}}
    assert plan.updates[0]["product_id"] == "10" and plan.updates[0]["variant_id"] == "5"
    link = by_sku(plan)["ERP-1"]
    assert (link["status"], link["match"], link["listing_sku"]) == ("linked", "manual", "TIENDA-1")
    assert plan.counts["linked_manual"] == 1 and plan.counts["unmatched_target"] == 0


def test_without_the_manual_link_the_same_pair_is_unmatched_on_both_sides():
    plan = plan_catalog(source(src("ERP-1")), listings(lst("TIENDA-1")), CatalogOptions())
    assert plan.updates == []
    assert {row["sku"]: row["status"] for row in plan.link_records()} == {
        "ERP-1": "source_only", "TIENDA-1": "target_only"}


def test_a_manual_link_wins_over_the_listing_with_the_same_sku():
    plan = plan_catalog(
        source(src("A", stock=4)),
        listings(lst("A", stock=1, product="20"), lst("OTHER", stock=1, product="30")),
        CatalogOptions(), manual(("30", None, "A")),
    )
    assert [(u["product_id"], u["stock"]) for u in plan.updates] == [("30", 4)]
    assert "20, which is not synced" in by_sku(plan)["A"]["reason"]


def test_a_manual_link_to_an_sku_the_erp_no_longer_has_says_so():
    plan = plan_catalog(source(src("B")), listings(lst("X", product="10")), CatalogOptions(),
                        manual(("10", None, "GONE")))
    row = by_sku(plan)["GONE"]
    assert row["status"] == "target_only" and "ERP SKU GONE, which the ERP does not have" in row["reason"]
    assert plan.updates == []


def test_exact_matching_does_not_pair_different_spellings():
    plan = plan_catalog(source(src("ab-1"), src("007")), listings(lst("AB-1"), lst("7")), CatalogOptions())
    assert plan.counts["linked"] == 0


def test_normalised_matches_are_reported_as_such_and_write_to_the_listing():
    options = CatalogOptions(sku_normalization=("trim", "case", "leading_zeros"))
    plan = plan_catalog(
        source(src("ab-1", stock=3), src("007", stock=8), src("C")),
        listings(lst(" AB-1 ", stock=1, product="1"), lst("7", stock=1, product="2"), lst("C")),
        options,
    )
    links = by_sku(plan)
    assert (links["ab-1"]["match"], links["ab-1"]["listing_sku"]) == ("normalized", " AB-1 ")
    assert (links["007"]["match"], links["C"]["match"]) == ("normalized", "exact")
    assert plan.counts["linked_normalized"] == 2 and plan.counts["linked_exact"] == 1
    assert {u["product_id"]: u["stock"] for u in plan.updates} == {"1": 3, "2": 8}


def test_two_erp_skus_that_normalise_alike_are_a_conflict_naming_both():
    options = CatalogOptions(sku_normalization=("case",))
    plan = plan_catalog(source(src("a1"), src("A1")), listings(lst("A1")), options)
    (row,) = plan.link_records()
    assert row["status"] == "conflict" and "'A1', 'a1'" in row["reason"]
    assert plan.updates == []


def test_a_targeted_run_reaches_the_manually_linked_listing():
    options = CatalogOptions(skus=frozenset({"ERP-1"}))
    plan = plan_catalog(source(src("ERP-1", gross="5000"), src("Z")),
                        listings(lst("TIENDA-1", product="10"), lst("Z", product="99")),
                        options, manual(("10", None, "ERP-1")))
    assert updates_by_sku(plan) == {"ERP-1": {"price": Decimal("5000.00")}}
    assert plan.counts["read_target"] == 1


def test_a_listing_without_sku_can_be_linked_by_hand():
    plan = plan_catalog(source(src("ERP-1", stock=6)), listings(lst("", stock=0, product="44")), CatalogOptions(),
                        manual(("44", None, "ERP-1")))
    assert [(u["product_id"], u["stock"]) for u in plan.updates] == [("44", 6)]
