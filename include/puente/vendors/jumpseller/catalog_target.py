"""Jumpseller <-> canonical listings.

A product without variants carries stock and price itself; a product with variants carries them
per variant, so each listing remembers where to write (``variant_id`` None = product level).
SKUs are kept as the store spells them: ignoring spaces or case is the tenant's matching option
(``rules.sku_matching``), reported when it links, not a silent clean-up here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.rules.catalog import LISTING_COLUMNS, empty_listings
from puente.vendors.jumpseller.settings import JumpsellerSettings


class JumpsellerCatalogTarget:
    def __init__(self, settings: JumpsellerSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.jumpseller.hook import JumpsellerHook

            hook = JumpsellerHook(jumpseller_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def read_listings(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS:
            products: dict[str, dict] = {}
            for sku in sorted(skus):
                for product in self.hook.search_products(sku, fields="sku"):
                    products[str(product["id"])] = product
            frame = to_listing_frame(products.values())
        else:
            frame = to_listing_frame(self.hook.iter_products())
        if skus is not None:
            frame = frame[frame["sku"].isin(set(skus))]
        return frame

    def read_listing(self, product_id: str, variant_id: str | None) -> pd.DataFrame:
        """One listing by its ids (a listing without SKU cannot be searched for)."""
        frame = to_listing_frame([self.hook.get_product(product_id)])
        return frame[frame["variant_id"].isna()] if variant_id is None else frame[frame["variant_id"] == variant_id]

    def apply_update(self, update: dict) -> None:
        fields: dict = {}
        if "unlimited" in update:
            fields["stock_unlimited"] = bool(update["unlimited"])
        if update.get("stock") is not None:
            fields["stock"] = int(update["stock"])
        if update.get("price") is not None:
            fields["price"] = float(update["price"])  # JSON number at the wire boundary only
        if update.get("variant_id"):
            self.hook.update_variant(update["product_id"], update["variant_id"], fields)
        else:
            self.hook.update_product(update["product_id"], fields)


def to_listing_frame(products: Iterable[dict]) -> pd.DataFrame:
    """Products (with variants) -> one row per listing. Prices stay the JSON numbers the store sent:
    the plan compares floats first and makes exact cents only for rows that may differ."""
    rows = []
    for product in products:
        product_id = str(product["id"])
        variants = product.get("variants") or []
        if variants:
            for variant in variants:
                rows.append(
                    (str(variant.get("sku") or ""), product_id, str(variant["id"]),
                     int(variant.get("stock") or 0), bool(variant.get("stock_unlimited")),
                     variant.get("price"))
                )
        else:
            rows.append(
                (str(product.get("sku") or ""), product_id, None, int(product.get("stock") or 0),
                 bool(product.get("stock_unlimited")), product.get("price"))
            )
    if not rows:
        return empty_listings()
    return pd.DataFrame.from_records(rows, columns=LISTING_COLUMNS)
