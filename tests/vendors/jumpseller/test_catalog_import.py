"""ERP product -> Jumpseller create payload, and a Jumpseller product -> its ids by SKU (pure mapping)."""

from __future__ import annotations

from decimal import Decimal

from puente.rules.catalog_import import ImportProduct, ImportVariant
from puente.vendors.jumpseller.catalog_import import DEFAULT_OPTION_NAME, created_from, product_payload


def variant(sku: str, value: str | None = None, *, stock: int = 3, unlimited: bool = False, price: str = "9990",
            option: str | None = None) -> ImportVariant:
    return ImportVariant(sku, f"id-{sku}", stock, unlimited, Decimal(price), option, value)


def test_a_one_sku_product_is_a_simple_product_with_stock_and_price_on_it() -> None:
    payload = product_payload(ImportProduct("1", "Taza", (variant("MUG", "Única", stock=7, price="4990.50"),)))
    assert payload == {"name": "Taza", "price": 4990.5, "status": "available", "sku": "MUG", "stock": 7,
                       "stock_unlimited": False}


def test_variants_carry_their_own_stock_price_and_the_erp_option() -> None:
    product = ImportProduct("2", "Polo", (variant("P-S", "S", option="Talla"),
                                          variant("P-M", "M", unlimited=True, price="10990", option="Talla")))
    payload = product_payload(product)
    assert payload["price"] == 9990.0 and "sku" not in payload and "stock" not in payload
    assert payload["variants"] == [
        {"variant": {"price": 9990.0, "sku": "P-S", "stock": 3, "stock_unlimited": False,
                     "options": [{"name": "Talla", "option_type": "option", "value": "S"}]}},
        {"variant": {"price": 10990.0, "sku": "P-M", "stock": 0, "stock_unlimited": True,
                     "options": [{"name": "Talla", "option_type": "option", "value": "M"}]}},
    ]


def test_an_erp_without_option_names_gets_the_default_and_repeated_or_empty_values_are_told_apart() -> None:
    product = ImportProduct("3", "Caja", (variant("C-1", "Grande"), variant("C-2", "Grande"), variant("C-3")))
    options = [item["variant"]["options"][0] for item in product_payload(product)["variants"]]
    assert {option["name"] for option in options} == {DEFAULT_OPTION_NAME}
    assert [option["value"] for option in options] == ["Grande (C-1)", "Grande (C-2)", "C-3"]


def test_created_from_maps_each_listing_sku_to_its_variant_id() -> None:
    simple = created_from({"id": 10, "sku": " MUG ", "variants": []})
    assert (simple.product_id, simple.variants) == ("10", {"MUG": None})
    with_variants = created_from({"id": 11, "sku": "", "variants": [{"id": 501, "sku": "P-S"}, {"id": 502, "sku": ""}]})
    assert with_variants.variants == {"P-S": "501"}
    product = ImportProduct("2", "Polo", (variant("P-S"), variant("P-M")))
    assert with_variants.links(product) == [{"sku": "P-S", "status": "linked", "reason": None, "source_id": "id-P-S",
                                             "product_id": "11", "variant_id": "501"}]
