"""plan_import: which ERP products a channel lacks, grouped per product, and why others are left out."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from puente.rules.catalog import LISTING_COLUMNS, SOURCE_COLUMNS, CatalogOptions
from puente.rules.catalog_import import PRODUCT_COLUMNS, plan_import, with_product_columns

COLUMNS = SOURCE_COLUMNS + PRODUCT_COLUMNS


def erp(*rows) -> pd.DataFrame:
    """Rows: (sku, source_id, stock, sells_without_stock, net, gross, unsupported, key, name, option, value)."""
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


def channel(*skus) -> pd.DataFrame:
    return pd.DataFrame.from_records([(sku, "1", None, 0, False, Decimal(1)) for sku in skus],
                                     columns=LISTING_COLUMNS)


POLO_S = ("POLO-S", "11", 4, False, Decimal("8394.96"), Decimal("9990"), None, "P1", "Polo", "Talla", "S")
POLO_M = ("POLO-M", "12", -3, True, Decimal("8394.96"), Decimal("9990"), None, "P1", "Polo", "Talla", "M")
MUG = ("MUG", "20", 7, False, Decimal("4193.28"), Decimal("4990"), None, "P2", "Taza", None, "Única")


def test_a_product_the_channel_lacks_is_planned_whole_with_the_desired_stock_and_price() -> None:
    plan = plan_import(erp(POLO_S, POLO_M, MUG), channel("MUG"), CatalogOptions())
    assert [p.key for p in plan.products] == ["P1"] and plan.skipped == []
    polo = plan.products[0]
    assert polo.name == "Polo" and polo.skus == ["POLO-S", "POLO-M"]
    small, medium = polo.variants
    assert (small.stock, small.unlimited, small.price, small.option_name, small.option_value) == (
        4, False, Decimal("9990"), "Talla", "S")
    assert (medium.stock, medium.unlimited) == (0, False)  # never negative; pre-sale off = limited
    assert small.source_id == "11"


def test_presale_and_net_prices_follow_the_sync_settings_even_when_prices_are_not_pushed() -> None:
    options = CatalogOptions(presale=True, price_with_taxes=False, push_price=False)
    medium = plan_import(erp(POLO_S, POLO_M), channel(), options).products[0].variants[1]
    assert (medium.unlimited, medium.price) == (True, Decimal("8394.96"))


def test_partly_listed_products_conflicts_unsupported_and_priceless_ones_are_left_out_with_reasons() -> None:
    pack = ("PACK", "30", 1, False, Decimal(1), Decimal(1), "pack: the channel does not support packs", "P3",
            "Pack", None, None)
    serial = ("SER-1", "31", 1, False, Decimal(1), Decimal(1), "serial-numbered variant", "P4", "Cámara", "Color",
              "Negro")
    plain_of_serial = ("SER-2", "32", 2, False, Decimal(1), Decimal(2), None, "P4", "Cámara", "Color", "Blanco")
    twice = [("DUP", "40", 1, False, Decimal(1), Decimal(1), None, "P5", "Dup", None, None),
             ("DUP", "41", 1, False, Decimal(1), Decimal(1), None, "P6", "Dup bis", None, None)]
    priceless = ("FREE", "50", 1, False, None, None, None, "P7", "Sin precio", None, None)
    no_sku = [("", "60", 1, False, Decimal(1), Decimal(1), None, "P8", "Sin código", "Talla", "S"),
              ("NOSKU-M", "61", 1, False, Decimal(1), Decimal(1), None, "P8", "Sin código", "Talla", "M")]
    plan = plan_import(erp(POLO_S, POLO_M, pack, serial, plain_of_serial, *twice, priceless, *no_sku),
                       channel("POLO-S"), CatalogOptions())
    assert [(p.key, p.skus) for p in plan.products] == [("P4", ["SER-2"])]  # the serial variant is never created
    reasons = {entry["key"]: entry["reason"] for entry in plan.skipped}
    assert reasons["P1"].startswith("partly in the channel (POLO-S listed): add POLO-M")
    assert reasons["P3"].startswith("no SKU the channel can sell")
    assert reasons["P5"] == reasons["P6"] == "SKU appears more than once in the ERP: DUP"
    assert reasons["P7"] == "no price in the configured price list"
    assert reasons["P8"].startswith("a variant has no SKU")
    assert plan.counts == {"to_create": 1, "skipped": 6, "to_create_skus": 1}


def test_skus_choose_whole_products() -> None:
    plan = plan_import(erp(POLO_S, POLO_M, MUG), channel(), CatalogOptions(), skus={"POLO-M"})
    assert [p.skus for p in plan.products] == [["POLO-S", "POLO-M"]]
    assert plan_import(erp(POLO_S, MUG), channel(), CatalogOptions(), skus=set()).products == []


def test_an_erp_frame_without_product_columns_makes_one_product_per_sku_named_by_it() -> None:
    frame = pd.DataFrame.from_records([row[:7] for row in (POLO_S, MUG)], columns=SOURCE_COLUMNS)
    plan = plan_import(frame, channel(), CatalogOptions())
    assert [(p.key, p.name, p.skus) for p in plan.products] == [("sku:POLO-S", "POLO-S", ["POLO-S"]),
                                                                ("sku:MUG", "MUG", ["MUG"])]
    assert list(with_product_columns(frame).columns) == COLUMNS
    assert plan_import(pd.DataFrame(columns=SOURCE_COLUMNS), channel(), CatalogOptions()).products == []


def test_a_product_linked_by_hand_or_matched_after_normalisation_is_not_created_again() -> None:
    by_hand = plan_import(erp(MUG), channel("TAZA-WEB"), CatalogOptions(), linked_by_hand=["MUG"])
    assert by_hand.products == []
    normalised = plan_import(erp(MUG), channel(" mug "), CatalogOptions(sku_normalization=("trim", "case")))
    assert normalised.products == []
    exact_only = plan_import(erp(MUG), channel("mug"), CatalogOptions(sku_normalization=()))
    assert [p.key for p in exact_only.products] == ["P2"]
