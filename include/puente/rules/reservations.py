"""Stock held by open channel orders: what the ERP still counts but no store may sell again.

Why: a channel takes an order's units the moment the order exists, before it is paid (each
channel plug-in cites its vendor's own words on ``VendorSpec.reserves_stock_on``; README, "Stock
held by open orders"), while the ERP only drops them when its document is dispatched. Pushing the
ERP's available stock every hour in between puts those units on sale again: the seed article's
"stock entre paréntesis" ("pedidos pendientes que tienen tomado el stock" in the channel).

So the sync pushes ``ERP stock - units of open orders`` where an order is open when its channel
status holds stock and the ERP has no document for it yet (``settled_order_ids``: the invoice
ledger's ``invoiced`` rows; from then on the ERP's own stock already dropped). A unit committed to
one store's buyer is not sellable in another store either, so every channel's open orders are
subtracted from the ERP frame that all channels are planned from.

Pure functions, no I/O: the operator reads orders and the ledger (``operators.catalog_reservations``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd


def _units(quantity: Any) -> int:
    """A line's quantity as whole units held; fractions round up (half a unit held is not sellable)."""
    try:
        value = Decimal(str(quantity))
    except (InvalidOperation, ValueError, TypeError):
        return 0
    if not value.is_finite() or value <= 0:
        return 0
    return math.ceil(value)


def reserved_units(
    orders: Iterable[Any], settled_order_ids: Collection[str], *, holding_statuses: Collection[str] | None = None
) -> dict[str, int]:
    """Channel SKU -> units held by the open orders of one channel.

    ``orders`` are canonical ``Order`` objects (``id``, ``status``, ``lines`` with ``sku`` and
    ``quantity``). An order counts once even if listed twice (pages shift while a store sells), not
    at all once settled, and only in ``holding_statuses`` when given (``None``: every order given is
    open, the caller already chose the statuses). Lines without a SKU or with a non-positive
    quantity hold nothing.
    """
    settled = {str(order_id) for order_id in settled_order_ids}
    seen: set[str] = set()
    held: dict[str, int] = {}
    for order in orders:
        order_id = str(order.id)
        if order_id in seen or order_id in settled:
            continue
        seen.add(order_id)
        if holding_statuses is not None and order.status not in holding_statuses:
            continue
        for line in order.lines:
            sku = str(line.sku or "").strip()
            units = _units(line.quantity)
            if sku and units:
                held[sku] = held.get(sku, 0) + units
    return held


def to_erp_skus(reserved: Mapping[str, int], channel_to_erp: Mapping[str, str] | None = None) -> dict[str, int]:
    """Channel SKU -> ERP SKU (identity unless a manual link maps it), units summed per ERP SKU."""
    mapped: dict[str, int] = {}
    for sku, units in reserved.items():
        erp_sku = (channel_to_erp or {}).get(sku, sku)
        mapped[erp_sku] = mapped.get(erp_sku, 0) + int(units)
    return mapped


def combine(per_channel: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Every channel's reservation (already in ERP SKUs) added up."""
    total: dict[str, int] = {}
    for reserved in per_channel:
        for sku, units in reserved.items():
            total[sku] = total.get(sku, 0) + int(units)
    return total


def subtract_reserved(
    source: pd.DataFrame, reserved_by_erp_sku: Mapping[str, int], *, presale: bool = False
) -> pd.DataFrame:
    """The ERP frame (``rules.catalog.SOURCE_COLUMNS``) with held units taken off its stock.

    Never below 0. Rows the channels show as unlimited (pre-sale on and the ERP sells them without
    stock) are left as they are: their stock is not pushed. The input frame is not modified.
    """
    if not reserved_by_erp_sku or source.empty:
        return source
    held = source["sku"].map(lambda sku: reserved_by_erp_sku.get(sku, 0)).fillna(0)
    if presale:
        held = held.where(~source["sells_without_stock"].fillna(False).astype(bool), 0)
    if not held.any():
        return source
    result = source.copy()
    stock = pd.to_numeric(result["stock"], errors="coerce").fillna(0)
    result["stock"] = (stock - held).clip(lower=0)
    return result


def reserved_rows(
    source: pd.DataFrame, reserved_by_erp_sku: Mapping[str, int], *, presale: bool = False
) -> list[dict[str, Any]]:
    """The report's per-SKU list: ERP stock, units held, what the stores may sell (ERP SKUs only)."""
    if not reserved_by_erp_sku or source.empty:
        return []
    rows = []
    for sku, stock, unlimited in zip(
        source["sku"].tolist(), source["stock"].tolist(), source["sells_without_stock"].tolist(), strict=True
    ):
        units = reserved_by_erp_sku.get(sku, 0)
        if not units or (presale and bool(unlimited)):
            continue
        erp = float(stock) if stock is not None and not pd.isna(stock) else 0.0
        rows.append({"sku": sku, "erp_stock": erp, "reserved": int(units), "sellable": max(0.0, erp - units)})
    return sorted(rows, key=lambda row: row["sku"])


def hold_stock_level(source: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    """Fail safe when a channel's open orders could not be read: no listing's stock goes up this run.

    Why: without the reservation the ERP's number may count units a buyer already holds, so only
    decreases are safe. Each ERP row is capped at what its listing shows now (same SKU), and a
    listing that is limited now does not turn unlimited. Rows without a listing are unchanged.
    """
    if source.empty or listings.empty:
        return source
    current = listings.drop_duplicates("sku").set_index("sku")
    shown = source["sku"].map(pd.to_numeric(current["stock"], errors="coerce"))
    limited = ~source["sku"].map(current["unlimited"].fillna(False).astype(bool)).fillna(True).astype(bool)
    result = source.copy()
    stock = pd.to_numeric(result["stock"], errors="coerce").fillna(0)
    cap = limited & shown.notna()
    result.loc[cap, "stock"] = stock[cap].clip(upper=shown[cap])
    result.loc[limited, "sells_without_stock"] = False
    return result
