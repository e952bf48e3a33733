"""The synced-products list, paged: every SKU the last full sync saw per channel, and why it is or is not
linked (``sku_link``), filtered and searched in the database, so a 100,000-SKU catalog pages fast."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from puente.state.queries import starts_with
from puente.state.store import StateStore
from puente.state.tables import sku_link


def sku_page(tenant: str, *, channel: str | None = None, status: str | None = None, sku: str | None = None,
             limit: int = 50, offset: int = 0, store: StateStore | None = None) -> tuple[list[dict[str, Any]], int]:
    """(rows, total). ``sku`` matches a SKU (ERP's or the listing's) by prefix, wildcards taken literally."""
    store = store or StateStore()
    where = [sku_link.c.tenant == tenant]
    if channel is not None:
        where.append(sku_link.c.channel == channel)
    if status is not None:
        where.append(sku_link.c.status == status)
    if sku:
        where.append(sa.or_(starts_with(sku_link.c.sku, sku), starts_with(sku_link.c.listing_sku, sku)))
    query = sa.select(sku_link).where(*where).order_by(sku_link.c.channel, sku_link.c.sku).limit(limit).offset(offset)
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(sku_link).where(*where)).scalar_one()
        return [dict(row._mapping) for row in conn.execute(query)], int(total)
