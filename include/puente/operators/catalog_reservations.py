"""Catalog sync's reservation step: read every channel's open orders and the ledger, apply the rule.

Wiring only (the rule is :mod:`puente.rules.reservations`). Which channels hold stock for orders,
and in which statuses, is the vendor plug-in's declaration (``VendorSpec.reserves_stock_on``).
The tenant option ``flows.catalog_sync.reserve_pending_orders`` (null = on where declared, false =
off) decides whether to use it.

Statuses the tenant's invoicing flow invoices (``flows.invoicing.statuses``, default ``paid``) hold
stock only while that flow is enabled: it is the ledger's ``invoiced`` row that tells us the ERP
took the units; without it Puente cannot know when that happens, so only the statuses before
payment are reserved (a paid order would otherwise be held for the whole window).

Fail safe: if any channel's open orders cannot be read, the reservation is unknown, so no listing
of this channel's plan may go *up* this run (``hold_stock_level``); decreases and prices still go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from puente.rules.reservations import (
    combine,
    hold_stock_level,
    reserved_rows,
    reserved_units,
    subtract_reserved,
    to_erp_skus,
)

if TYPE_CHECKING:
    import pandas as pd

INVOICED = "invoiced"


@dataclass
class Reservation:
    source: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def reserving_channels(config: Any) -> list[tuple[Any, tuple[str, ...]]]:
    """(channel settings, statuses to read) for each of the tenant's channels that holds stock."""
    from puente.connectors import registry

    settings = config.flows.catalog_sync
    if settings.reserve_pending_orders is False:
        return []
    invoicing = config.flows.invoicing
    settled_later = set() if invoicing.enabled else set(invoicing.statuses)
    found = []
    for channel in config.channels:
        declared = registry.vendor(channel.vendor).reserves_stock_on
        statuses = tuple(status for status in declared if status not in settled_later)
        if statuses:
            found.append((channel, statuses))
    return found


def _channel_reservation(config: Any, channel: Any, statuses: tuple[str, ...], since: datetime, ledger: Any):
    from puente.connectors import registry
    from puente.state.manual_links import channel_sku_pairs

    source = registry.order_source(channel, config.timezone)
    if not hasattr(source, "read_open_orders"):
        raise RuntimeError(f"{channel.vendor} declares stock-holding statuses but cannot read open orders")
    orders = source.read_open_orders(statuses, since)
    ids = sorted({order.id for order in orders})
    settled = {
        str(row["order_id"])
        for row in (ledger.rows(config.tenant, channel.conn_id, statuses=[INVOICED], order_ids=ids) if ids else [])
    }
    held = reserved_units(orders, settled, holding_statuses=statuses)
    store = getattr(ledger, "store", None)  # a test's stand-in ledger has no state behind it
    mapping = channel_sku_pairs(store, config.tenant, channel.conn_id) if store is not None else None
    return to_erp_skus(held, mapping), {"channel": channel.conn_id, "open_orders": len(ids) - len(settled & set(ids))}


def reserve_open_orders(
    config: Any, source: pd.DataFrame, listings: pd.DataFrame, *, now: datetime | None = None, ledger: Any = None
) -> Reservation:
    """The ERP frame the plan should use, with the counts and per-SKU list for the run report."""
    channels = reserving_channels(config)
    if not channels:
        return Reservation(source)
    if ledger is None:
        from puente.state.ledger import InvoiceLedger

        ledger = InvoiceLedger()
    settings = config.flows.catalog_sync
    since = (now or datetime.now(UTC)) - timedelta(days=settings.reservation_max_age_days)
    per_channel, read, errors = [], [], []
    for channel, statuses in channels:
        try:
            reserved, summary = _channel_reservation(config, channel, statuses, since, ledger)
        except Exception as exc:  # any failure: the reservation is unknown, fail safe below
            errors.append(f"{channel.conn_id}: {type(exc).__name__}: {exc}")
            continue
        per_channel.append(reserved)
        read.append(summary)
    if errors:
        error = "open orders unreadable, no stock raised this run: " + "; ".join(errors)
        return Reservation(
            hold_stock_level(source, listings), {"reserved_units": 0, "reserved_skus": 0},
            {"channels": read, "reserved": [], "error": error}, error,
        )
    total = combine(per_channel)
    rows = reserved_rows(source, total, presale=settings.presale)
    return Reservation(
        subtract_reserved(source, total, presale=settings.presale),
        {"reserved_units": sum(row["reserved"] for row in rows), "reserved_skus": len(rows)},
        {"channels": read, "reserved": rows, "error": None},
    )
