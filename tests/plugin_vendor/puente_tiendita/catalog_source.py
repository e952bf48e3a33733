"""Tiendita products -> Puente's canonical catalog frame (prices with tax; net = gross / (1 + VAT))."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.rules.catalog import SOURCE_COLUMNS
from puente_tiendita.settings import TienditaSettings

CENT = Decimal("0.01")


class TienditaCatalogSource:
    def __init__(self, settings: TienditaSettings, hook=None) -> None:
        if hook is None:
            from puente_tiendita.hook import TienditaHook

            hook = TienditaHook(settings.conn_id)
        self.settings, self.hook = settings, hook

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        targeted = sorted(skus) if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS else None
        rate = Decimal(str(self.settings.vat_rate))
        rows = []
        for product in self.hook.iter_products(targeted):
            gross = Decimal(str(product["price"]))
            rows.append({
                "sku": product["sku"], "source_id": str(product["sku"]), "stock": int(product["stock"]),
                "sells_without_stock": False, "price_net": (gross / (1 + rate)).quantize(CENT), "price_gross": gross,
                "unsupported": None if product.get("active", True) else "inactive in Tiendita",
            })
        frame = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
        if skus is not None:
            frame = frame[frame["sku"].isin(set(skus))]
        return frame.reset_index(drop=True)
