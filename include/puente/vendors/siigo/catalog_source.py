"""Siigo Nube -> canonical catalog: one warehouse's stock and one price list in one currency, by SKU.

The article (*Conecta Siigo con Astroselling*, "Configuración") lets the merchant pick exactly one
price list, one list currency and one warehouse; :class:`SiigoSettings` carries them. Siigo keeps
all three on the product itself (``/v1/products``), so one paged read gives the whole catalog:

* SKU = ``code``. Stock = ``warehouses[].quantity`` of the configured warehouse (absent = 0), or
  ``available_quantity`` (every warehouse) when none is configured; floored to whole units.
* Price = the ``prices[]`` entry of the configured currency, its ``price_list[]`` entry at the
  configured position. Whether that value includes taxes is the product's ``tax_included``; the
  other side is derived with the product's additive taxes (IVA, Impoconsumo), to the cent.
  A product with no price in that list and currency gets no price (the channel keeps its own).
* Inactive products are not sold: skipped. Services and consumer goods without stock control
  have no stock to sync: reported as unsupported (Astroselling lists stock-controlled products).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.rules.catalog import SOURCE_COLUMNS, empty_source
from puente.vendors.siigo.settings import SiigoSettings

CENT = Decimal("0.01")
ADDITIVE_TAX_TYPES = frozenset({"IVA", "Impoconsumo", "AdValorem"})


def _tax_factor(product: dict[str, Any]) -> Decimal:
    percent = sum(
        (Decimal(str(t.get("percentage") or 0)) for t in product.get("taxes") or [] if t.get("type") in
         ADDITIVE_TAX_TYPES),
        Decimal(0),
    )
    return 1 + percent / 100


def list_price(product: dict[str, Any], position: int, currency: str) -> Decimal | None:
    """The product's value in price list ``position`` for ``currency``, or None."""
    for entry in product.get("prices") or []:
        if str(entry.get("currency_code") or "").upper() != currency:
            continue
        for price in entry.get("price_list") or []:
            if int(price.get("position") or 0) == position and price.get("value") is not None:
                return Decimal(str(price["value"]))
    return None


def net_and_gross(product: dict[str, Any], value: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if value is None:
        return None, None
    factor = _tax_factor(product)
    if product.get("tax_included"):
        return (value / factor).quantize(CENT, rounding=ROUND_HALF_UP), value
    return value, (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def stock_of(product: dict[str, Any], warehouse_id: int | None) -> int:
    if warehouse_id is None:
        quantity = product.get("available_quantity") or 0
    else:
        quantity = next((w.get("quantity") or 0 for w in product.get("warehouses") or []
                         if int(w.get("id") or 0) == warehouse_id), 0)
    return max(0, math.floor(float(quantity)))


def to_source_frame(products: Iterable[dict[str, Any]], settings: SiigoSettings) -> pd.DataFrame:
    """Siigo products -> ``rules.catalog.SOURCE_COLUMNS`` (one row per active product)."""
    rows = []
    for product in products:
        if product.get("active") is False:
            continue
        net, gross = net_and_gross(product, list_price(product, settings.price_list, settings.price_list_currency))
        unsupported = None
        if not product.get("stock_control", True):
            unsupported = f"{product.get('type') or 'item'} without stock control in Siigo: no stock to sync"
        rows.append((
            str(product.get("code") or "").strip(), str(product["id"]), stock_of(product, settings.warehouse_id),
            False, net, gross, unsupported,
        ))
    if not rows:
        return empty_source()
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS)


class SiigoCatalogSource:
    """``CatalogSource`` for Siigo Nube (``/v1/products``, 100 per page)."""

    def __init__(self, settings: SiigoSettings, hook: Any = None) -> None:
        if hook is None:
            from puente.vendors.siigo.hook import SiigoHook

            hook = SiigoHook(siigo_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS:
            products = [p for sku in sorted(skus) for p in self.hook.list_products(code=sku)]
        else:
            products = self.hook.iter_results("/v1/products")
        frame = to_source_frame(products, self.settings)
        if skus is not None:
            frame = frame[frame["sku"].isin(set(skus))]
        return frame
