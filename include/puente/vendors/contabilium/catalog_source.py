"""Contabilium <-> canonical catalog: stock of one depósito or of all, prices of a list or the concepto.

The article: "Bodega" empty means the stores show the "stock total", the sum over every depósito
added to Contabilium; a chosen bodega means that depósito's stock only. Stock is
``StockConReservas`` (actual minus reserved), so reserved units are never sold twice. Inactive
depósitos are left out of the sum (nothing can be sold from them) and inactive conceptos are not
synced. A service (``Tipo`` S) has no stock: it may sell without it (pre-sale makes it unlimited).
Prices come from the optional "Lista de precios" (``Precio`` net, ``PrecioFinal`` with IVA), else
from the concepto itself; a SKU the list omits gets no price (nothing is pushed for it).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from decimal import Decimal

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.rules.catalog import SOURCE_COLUMNS, empty_source
from puente.vendors.contabilium.settings import ContabiliumSettings

PRODUCT_TYPES = {"P", "1"}  # Tipo: P/S/C or 1/2/3 (both seen)
ACTIVE = "A"


def _decimal(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _code(value: object) -> str:
    return str(value or "").strip().upper()


class ContabiliumCatalogSource:
    def __init__(self, settings: ContabiliumSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.contabilium.hook import ContabiliumHook

            hook = ContabiliumHook(contabilium_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def warehouse_ids(self) -> list[int]:
        """The configured bodega, else every active depósito (the "stock total")."""
        if self.settings.warehouse_id is not None:
            return [self.settings.warehouse_id]
        return [int(w["Id"]) for w in self.hook.list_warehouses() if w.get("Activo", True)]

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        warehouses = self.warehouse_ids()
        if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS:
            products, stock = [], {}
            for sku in sorted(skus):
                products += self.hook.list_products(sku)
                found = self.hook.stock_by_sku(sku)
                if found is not None:
                    rows = [r for r in found.get("stock") or [] if int(r.get("Id", 0)) in warehouses]
                    stock[_code(sku)] = sum(float(r.get("StockConReservas") or 0) for r in rows)
        else:
            products = self.hook.list_products()
            stock = stock_totals(row for warehouse in warehouses for row in self.hook.stock_by_warehouse(warehouse))
        prices = None
        if (price_list := self.settings.price_list_id) is not None:
            prices = {_code(item.get("Codigo")): item for item in self.hook.price_list_items(price_list)}
        frame = to_source_frame(products, stock, prices)
        if skus is not None:
            frame = frame[frame["sku"].isin({_code(s) for s in skus})]
        return frame


def stock_totals(rows: Iterable[dict]) -> dict[str, float]:
    """SKU -> available units (``StockConReservas``) summed over the depósito rows given."""
    totals: dict[str, float] = {}
    for row in rows:
        code = _code(row.get("Codigo"))
        totals[code] = totals.get(code, 0.0) + float(row.get("StockConReservas") or 0)
    return totals


def to_source_frame(
    products: Iterable[dict], stock: dict[str, float], prices: dict[str, dict] | None
) -> pd.DataFrame:
    """Conceptos + stock + (optional) price-list items -> the canonical source columns."""
    rows = []
    for product in products:
        if str(product.get("Estado") or ACTIVE).upper() != ACTIVE:
            continue
        code = _code(product.get("Codigo"))
        priced = product if prices is None else prices.get(code, {})
        rows.append((
            code, str(product["Id"]), math.floor(stock.get(code, 0.0)),
            str(product.get("Tipo") or "P").upper() not in PRODUCT_TYPES,
            _decimal(priced.get("Precio")), _decimal(priced.get("PrecioFinal")), None,
        ))  # fmt: skip
    if not rows:
        return empty_source()
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS)
