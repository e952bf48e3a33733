"""``GET /v1/products/search.json``: which texts of a product each ``fields`` value searches.

The spec only says ``query`` is searched in a comma-separated list of ``fields`` (``sku``,
``barcode``, ``brand``, ``name``, ``description``, ``variants``, ``option_name``, ...). Matching
here is a case-insensitive substring, and ``sku``/``barcode`` also look inside variants so a
variant SKU can be found, which is what a SKU-linking hook needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from puente_sandbox.catalog_models import JumpsellerProduct

Extractor = Callable[[JumpsellerProduct], Iterable[str]]

EXTRACTORS: dict[str, Extractor] = {
    "sku": lambda p: [p.sku, *(v.sku for v in p.variants)],
    "barcode": lambda p: [p.barcode, *(v.barcode for v in p.variants)],
    "brand": lambda p: [p.brand],
    "name": lambda p: [p.name],
    "description": lambda p: [p.description],
    "variants": lambda p: [
        t for v in p.variants for t in (v.sku, v.barcode, *(o["value"] for o in v.options))
    ],
    "option_name": lambda p: [o["name"] for v in p.variants for o in v.options],
    "custom_fields": lambda p: [],
    "custom_fields_selects": lambda p: [],
}
DEFAULT_FIELDS = ("name", "sku", "barcode", "brand", "description")


def parse_fields(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return DEFAULT_FIELDS
    fields = tuple(f.strip() for f in raw.split(",") if f.strip() in EXTRACTORS)
    return fields or DEFAULT_FIELDS


def matches(product: JumpsellerProduct, query: str, fields: tuple[str, ...]) -> bool:
    needle = query.lower()
    return any(needle in text.lower() for field in fields for text in EXTRACTORS[field](product) if text)
