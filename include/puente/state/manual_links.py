"""Manual links in state: a person's "this listing is that ERP SKU", with who and when.

Kept apart from ``sku_link`` (which every full sync rewrites from what it found) because a manual
link is a decision, not an observation: no sync may drop it; only an unlink does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from puente.state.store import StateStore
from puente.state.tables import manual_link


def manual_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Links as ``plan_catalog`` takes them (``variant_id`` None for a simple product)."""
    return pd.DataFrame.from_records(
        [(row["product_id"], row["variant_id"] or None, row["erp_sku"]) for row in rows],
        columns=["product_id", "variant_id", "erp_sku"],
    )


def channel_sku_pairs(store: StateStore, tenant: str, channel: str,
                      link_rows: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """The channel's SKUs that stand for another ERP SKU: matched after normalisation (as the last
    sync recorded them in ``sku_link``), then linked by hand (which wins). Every other SKU is its own
    ERP SKU. ``link_rows``: the tenant's ``sku_link`` rows when the caller read them already."""
    rows = store.links(tenant, channel) if link_rows is None else link_rows
    pairs = {row["listing_sku"]: row["sku"] for row in rows if row["channel"] == channel
             and row["status"] == "linked" and row["listing_sku"] and row["listing_sku"] != row["sku"]}
    pairs |= {row["listing_sku"]: row["erp_sku"] for row in ManualLinks(store).rows(tenant, channel)
              if row["listing_sku"]}
    return pairs


class ManualLinks:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()

    def rows(self, tenant: str, channel: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(manual_link).where(manual_link.c.tenant == tenant)
        if channel is not None:
            query = query.where(manual_link.c.channel == channel)
        with self.store.engine.connect() as conn:
            found = conn.execute(query.order_by(manual_link.c.channel, manual_link.c.erp_sku))
            return [dict(row._mapping) for row in found]

    def add(self, tenant: str, channel: str, product_id: str, variant_id: str | None, erp_sku: str, *,
            listing_sku: str | None, linked_by: str, note: str | None = None) -> None:
        """Insert one link; the table's keys refuse a second link of the listing or of the ERP SKU
        (``sa.exc.IntegrityError``) even when two people link at the same moment."""
        with self.store.engine.begin() as conn:
            conn.execute(manual_link.insert().values(
                tenant=tenant, channel=channel, product_id=str(product_id), variant_id=str(variant_id or ""),
                erp_sku=erp_sku, listing_sku=listing_sku, linked_by=linked_by, note=note, linked_at=datetime.now(UTC),
            ))

    def remove(self, tenant: str, channel: str, product_id: str, variant_id: str | None) -> bool:
        with self.store.engine.begin() as conn:
            done = conn.execute(manual_link.delete().where(
                manual_link.c.tenant == tenant, manual_link.c.channel == channel,
                manual_link.c.product_id == str(product_id), manual_link.c.variant_id == str(variant_id or ""),
            ))
        return done.rowcount > 0
