"""``POST /v1/products.json``: validate a ``ProductCreate`` body and build the stored product.

From the official OpenAPI (``ProductCreate`` -> ``ProductCreateFields``): ``name`` and ``price``
are required; ``stock`` defaults to 100, ``weight`` to 1, ``status`` to ``available``;
``variants[]`` items are ``VariantEdit`` (``{"variant": {price, sku, stock, stock_unlimited, ...,
options: [{name, value, option_type}]}}``). The answer is 200 with the ``Product``.

Inferred (the spec documents no validation messages): rejections are 400 ``{"message": ...}``
with Rails-style sentences, as the PUT routes answer; a variant item may also come bare (the
shape ``ProductEditFields.variants`` uses), since Rails nested parameters take either; every
variant of a product needs at least one option, all variants name the same options, and no two
share the same option values (that is what makes them distinct variants in the store). Fields
outside the writable set are ignored, as Rails strong parameters do. Everything is validated
before anything is stored, so a refused create stores nothing.
"""

from __future__ import annotations

from typing import Any

from puente_sandbox.catalog_models import JumpsellerProduct, JumpsellerVariant
from puente_sandbox.jumpseller.validation import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    InvalidField,
    non_blank_text,
    parse_changes,
)

OPTION_TYPES = ("option", "color")
PRODUCT_DEFAULTS: dict[str, Any] = {
    "sku": "", "barcode": "", "stock": 100, "stock_unlimited": False, "stock_threshold": 0,
    "stock_notification": False, "cost_per_item": 0.0, "description": "", "brand": "",
    "status": "available", "weight": 1.0,
}
VARIANT_DEFAULTS: dict[str, Any] = {
    "sku": "", "barcode": "", "stock": 100, "stock_unlimited": False, "stock_threshold": 0,
    "stock_notification": False, "cost_per_item": 0.0,
}


def _option(item: Any, position: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidField(f"Variant option {position} must be an object with name and value")
    option_type = item.get("option_type", "option")
    if option_type not in OPTION_TYPES:
        raise InvalidField("Option type is not included in the list")
    return {
        "name": non_blank_text("option_name", item.get("name") or "").strip(),
        "option_type": option_type,
        "value": non_blank_text("option_value", item.get("value") or "").strip(),
    }


def parse_variant(item: Any, price: float) -> dict[str, Any]:
    """One ``variants[]`` item -> stored fields (the product's price when it names none)."""
    inner = item.get("variant") if isinstance(item, dict) and isinstance(item.get("variant"), dict) else item
    if not isinstance(inner, dict):
        raise InvalidField("Variants must be a list of variant objects")
    fields = {**VARIANT_DEFAULTS, "price": price, **parse_changes(inner, VARIANT_FIELDS)}
    options = inner.get("options")
    if not isinstance(options, list) or not options:
        raise InvalidField("Variant options can't be blank")
    fields["options"] = [_option(option, index) for index, option in enumerate(options, start=1)]
    return fields


def _check_variant_options(variants: list[dict[str, Any]]) -> None:
    names = [tuple(o["name"] for o in v["options"]) for v in variants]
    if any(len(set(n)) != len(n) for n in names):
        raise InvalidField("Variant options must not repeat an option name")
    if len(set(names)) > 1:
        raise InvalidField("Variants must all have the same options")
    values = [tuple(o["value"] for o in v["options"]) for v in variants]
    if len(set(values)) != len(values):
        raise InvalidField("Variants must have unique option values")


def parse_create(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``product`` object -> (product fields, variant fields); raises :class:`InvalidField`."""
    for required in ("name", "price"):
        if required not in payload:
            raise InvalidField(f"{required.capitalize()} can't be blank")
    fields = {**PRODUCT_DEFAULTS, **parse_changes(payload, PRODUCT_FIELDS)}
    raw_variants = payload.get("variants", [])
    if raw_variants is None:
        raw_variants = []
    if not isinstance(raw_variants, list):
        raise InvalidField("Variants must be a list of variant objects")
    variants = [parse_variant(item, fields["price"]) for item in raw_variants]
    if variants:
        _check_variant_options(variants)
    return fields, variants


def build_product(
    fields: dict[str, Any], variants: list[dict[str, Any]], *, product_id: int, first_variant_id: int,
    permalink: str, timestamp: str,
) -> JumpsellerProduct:
    """The stored record; a product with variants keeps its stock on them (its own is 0)."""
    built_variants = [
        JumpsellerVariant(id=first_variant_id + index, **variant) for index, variant in enumerate(variants)
    ]
    product = JumpsellerProduct(
        id=product_id, permalink=permalink, created_at=timestamp, updated_at=timestamp,
        variants=built_variants, **fields,
    )
    if built_variants:
        product.stock = 0
    return product
