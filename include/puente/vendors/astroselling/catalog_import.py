"""ERP products -> Astroselling (Jupiter) products on each chosen marketplace channel, once.

Jupiter keeps products per channel (``POST channels/{id}/products``), so one ERP product becomes
one product on every channel ``catalog_channels`` names (all when empty). What makes this safe to
repeat is Jupiter's own key: ``id_in_erp``, unique per channel ("The id in erp has already been
taken.") and readable with ``GET channels/{id}/products/{id_in_erp}``. Puente publishes it equal
to the SKU (the catalog target's targeted reads rely on that); a product with variations takes its
first variant's SKU, each variation its own. ``create`` therefore *ensures*: per channel it looks
the product up first and posts only where it is missing, so a create that reached some channels
and lost its answer on another is completed by the next attempt, never doubled.

Not shown by Jupiter: options (variations carry only SKU, stock and price here) and pre-sale (no
"sell without stock" flag: an unlimited variant is created with stock 0, as the sync would show it).
"""

from __future__ import annotations

from typing import Any

from puente.hooks.errors import NotFound
from puente.rules.catalog_import import CreatedProduct, ImportProduct, ImportVariant
from puente.vendors.astroselling.catalog_target import AstrosellingCatalogTarget, wire_price
from puente.vendors.astroselling.settings import AstrosellingSettings


def id_in_erp(product: ImportProduct) -> str:
    return product.variants[0].sku


def _stock(variant: ImportVariant) -> int:
    return 0 if variant.unlimited else int(variant.stock)


def product_payload(product: ImportProduct) -> dict[str, Any]:
    """Jupiter's documented product fields for one ERP product (prices as JSON numbers at the wire)."""
    first = product.variants[0]
    payload: dict[str, Any] = {
        "id_in_erp": id_in_erp(product), "sku": first.sku, "title": product.name, "description": product.name,
        "price": wire_price(first.price), "stock": _stock(first), "variations": [], "images": [],
    }
    if len(product.variants) > 1:
        payload["variations"] = [
            {"id_in_erp": variant.sku, "sku": variant.sku, "price": wire_price(variant.price),
             "stock": _stock(variant), "title": variant.option_value or variant.sku}
            for variant in product.variants
        ]
    return payload


class AstrosellingCatalogImport:
    """The ``catalog_import`` capability of an Astroselling account."""

    def __init__(self, settings: AstrosellingSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.astroselling.hook import AstrosellingHook

            hook = AstrosellingHook(astroselling_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self.target = AstrosellingCatalogTarget(settings, hook)

    def payload(self, product: ImportProduct) -> dict[str, Any]:
        return product_payload(product)

    def _created(self, product: ImportProduct) -> CreatedProduct:
        multi = len(product.variants) > 1
        return CreatedProduct(product_id=id_in_erp(product),
                              variants={v.sku: (v.sku if multi else None) for v in product.variants})

    def _has(self, channel_id: int | str, product: ImportProduct) -> bool:
        try:
            self.hook.get_product(channel_id, id_in_erp(product))
        except NotFound:
            return False
        return True

    def create(self, product: ImportProduct) -> CreatedProduct:
        """Post the product to every chosen channel that lacks it (looked up first, by ``id_in_erp``).

        A POST is never re-sent by the hook: a lost answer raises ``TransientError(uncertain=True)``
        and the caller's :meth:`find` (or the next ``create``) sees what reached Jupiter."""
        for channel_id in self.target.channels():
            if not self._has(channel_id, product):
                self.hook.create_product(channel_id, product_payload(product))
        return self._created(product)

    def find(self, product: ImportProduct) -> CreatedProduct | None:
        """The product when every chosen channel has it; None when one lacks it (``create`` fills it)."""
        channels = self.target.channels()
        if channels and all(self._has(channel_id, product) for channel_id in channels):
            return self._created(product)
        return None
