"""ERP products -> Jumpseller products (``POST /v1/products.json``), and finding one again by SKU.

An ERP product with one SKU becomes a simple product (stock and price on the product, as the
catalog target reads it back); one with several becomes a product with variants, each with one
option "as the ERP has it": the ERP's option name (Bsale names none: ``DEFAULT_OPTION_NAME``) and
the variant's own description as the value. Jumpseller needs distinct option values per product,
so a repeated or empty value is told apart by the SKU. Values come from the import plan
(``rules.catalog_import``), which already applied pre-sale, the never-negative rule and the price
list with or without taxes. ``stock`` is always sent: the spec defaults a missing one to 100.
"""

from __future__ import annotations

from typing import Any

from puente.rules.catalog_import import CreatedProduct, ImportProduct, ImportVariant
from puente.vendors.jumpseller.settings import JumpsellerSettings

DEFAULT_OPTION_NAME = "Variante"
STATUS = "available"


def _stock_fields(variant: ImportVariant) -> dict[str, Any]:
    return {"stock": 0 if variant.unlimited else int(variant.stock), "stock_unlimited": bool(variant.unlimited)}


def _option_values(variants: tuple[ImportVariant, ...]) -> list[str]:
    raw = [variant.option_value or variant.sku for variant in variants]
    return [value if raw.count(value) == 1 else f"{value} ({variant.sku})" for value, variant in zip(
        raw, variants, strict=True)]


def product_payload(product: ImportProduct) -> dict[str, Any]:
    """The spec's ``ProductCreateFields`` for one ERP product (prices as JSON numbers at the wire only)."""
    first = product.variants[0]
    payload: dict[str, Any] = {"name": product.name, "price": float(first.price), "status": STATUS}
    if len(product.variants) == 1:
        return {**payload, "sku": first.sku, **_stock_fields(first)}
    option_name = next((v.option_name for v in product.variants if v.option_name), DEFAULT_OPTION_NAME)
    payload["variants"] = [
        {"variant": {"price": float(variant.price), "sku": variant.sku, **_stock_fields(variant),
                     "options": [{"name": option_name, "option_type": "option", "value": value}]}}
        for variant, value in zip(product.variants, _option_values(product.variants), strict=True)
    ]
    return payload


def created_from(found: dict[str, Any]) -> CreatedProduct:
    """A Jumpseller product (unwrapped) -> its id and each listing SKU's variant id."""
    variants = found.get("variants") or []
    if variants:
        by_sku = {str(v.get("sku") or "").strip(): str(v["id"]) for v in variants}
    else:
        by_sku = {str(found.get("sku") or "").strip(): None}
    return CreatedProduct(product_id=str(found["id"]), variants={sku: vid for sku, vid in by_sku.items() if sku})


class JumpsellerCatalogImport:
    """The ``catalog_import`` capability of a Jumpseller store."""

    def __init__(self, settings: JumpsellerSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.jumpseller.hook import JumpsellerHook

            hook = JumpsellerHook(jumpseller_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def payload(self, product: ImportProduct) -> dict[str, Any]:
        return product_payload(product)

    def create(self, product: ImportProduct) -> CreatedProduct:
        """One POST; uncertain outcomes raise ``TransientError(uncertain=True)`` (see :meth:`find`)."""
        return created_from(self.hook.create_product(product_payload(product)))

    def find_by_sku(self, sku: str) -> list[CreatedProduct]:
        """The store's products carrying exactly ``sku`` (through the search route), lowest id first."""
        found = self.hook.find_products_by_sku(sku)
        return [created_from(p) for p in sorted(found, key=lambda p: int(p["id"]))]

    def find(self, product: ImportProduct) -> CreatedProduct | None:
        """The store's product holding ``product``'s SKUs, to adopt instead of creating again.

        One SKU is enough to look up: the plan never imports a product any of whose SKUs was
        listed, so a product carrying one now is the one our create made. If several do (a person
        also created it), the one holding most of the SKUs wins, then the oldest.
        """
        candidates = self.find_by_sku(product.variants[0].sku)
        if not candidates:
            return None
        wanted = set(product.skus)
        return max(candidates, key=lambda c: (len(wanted & set(c.variants)), -int(c.product_id)))
