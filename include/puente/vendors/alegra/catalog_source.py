"""Alegra <-> canonical catalog: one warehouse's stock and one price list, by SKU.

The SKU is the item's ``reference`` or its ``barcode`` (``AlegraSettings.sku_field``, the article's
"Usar Código de barras"). A reference cannot tell variations apart (they share it), so items whose
SKU appears more than once are reported as unsupported with the fix (use the barcode), never
pushed with one variation's stock. Prices are Alegra's (before tax); with "Usar impuestos" the
channel gets the price plus the item's taxes, without it the bare price, whatever the flow's
``price_with_taxes`` says (the Alegra option is the merchant's decision about Alegra's prices).
COP prices are rounded to the whole peso (IVA on a list price can give half a peso, and channels
show whole pesos: a cent-exact price would be rewritten on every run and never converge).
Services (no ``inventory``) and inactive items are not sellable stock: services are reported,
inactive items left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.rules.catalog import SOURCE_COLUMNS, empty_source
from puente.vendors.alegra.settings import AlegraSettings

CENT = Decimal("0.01")
PESO = Decimal(1)  # COP prices are whole pesos on every channel


def item_sku(item: dict[str, Any], sku_field: str) -> str:
    return str(item.get(sku_field) or "").strip()


def tax_rate(item: dict[str, Any]) -> Decimal:
    """The sum of the item's active tax percentages, as a fraction (IVA 19% -> 0.19)."""
    taxes = item.get("tax") or []
    return sum((Decimal(str(t.get("percentage") or 0)) for t in taxes if t.get("status", "active") == "active"),
               Decimal(0)) / 100  # fmt: skip


def list_price(item: dict[str, Any], price_list_id: str | None) -> Decimal | None:
    from puente.vendors.alegra.hook import item_price

    value = item_price(item, price_list_id)
    return None if value is None else Decimal(str(value))


def to_source_frame(items: Iterable[dict[str, Any]], settings: AlegraSettings) -> pd.DataFrame:
    """Alegra items -> the canonical source columns (one row per active item)."""
    from puente.vendors.alegra.hook import item_stock

    active = [item for item in items if item.get("status", "active") == "active"]
    unit = PESO if settings.currency in (None, "COP") else CENT
    counts = Counter(item_sku(item, settings.sku_field) for item in active)
    rows = []
    for item in active:
        sku = item_sku(item, settings.sku_field)
        net = list_price(item, settings.price_list_id)
        gross = None if net is None else (net * (1 + tax_rate(item)) if settings.use_taxes else net)
        if gross is not None:
            gross = gross.quantize(unit, rounding=ROUND_HALF_UP)
            net = net.quantize(unit, rounding=ROUND_HALF_UP)
        stock = item_stock(item, settings.warehouse_id)
        unsupported = None
        if sku and counts[sku] > 1:
            unsupported = (f"{counts[sku]} Alegra items share the {settings.sku_field} {sku!r} (variations): "
                           "set sku_field: barcode and give each variation its barcode")  # fmt: skip
        elif stock is None:
            unsupported = "service: Alegra keeps no inventory for it"
        rows.append((sku, str(item["id"]), math.floor(stock or 0), False, net, gross, unsupported))
    if not rows:
        return empty_source()
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS)


class AlegraCatalogSource:
    """One Alegra account as the catalog source (one warehouse, one price list, one currency)."""

    def __init__(self, settings: AlegraSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.alegra.hook import AlegraHook

            hook = AlegraHook(alegra_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS:
            items: dict[str, dict[str, Any]] = {}
            for sku in sorted(skus):
                found = self.hook.list_items(**{self.settings.sku_field: sku})
                items |= {str(item["id"]): item for item in found}
            frame = to_source_frame(items.values(), self.settings)
        else:
            # every item, not ``idWarehouse``: an item absent from the warehouse must read 0, not vanish
            frame = to_source_frame(self.hook.list_items(), self.settings)
        if skus is not None:
            frame = frame[frame["sku"].isin(set(skus))]
        return frame
