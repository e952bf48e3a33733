"""The orders that need a person, across every run: the console's attention list.

An order needs a person when it is in ``error`` (the vendor's reason and our category say what to
fix), ``uncertain`` (the ERP may or may not have made its document), or ``pending`` past its claim
lease (its task died and nobody took it over). The list comes from the ledger, not from the last
run's report, so an order stays on it until it is settled, whatever later runs do. One SQL query
per page (``LIMIT``/``OFFSET`` over ``updated_at``, ``order_id``) and one count, so 100,000 ledger
rows page as fast as 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from puente.state.queries import starts_with
from puente.state.store import StateStore
from puente.state.tables import invoice_ledger as ledger

NEEDS_PERSON = ("error", "uncertain")
COLUMNS = ("tenant", "channel", "order_id", "status", "category", "reason", "attempts", "claim", "claimed_at",
           "order_created_at", "updated_at", "sku_overrides")


@dataclass(frozen=True)
class AttentionPage:
    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def _needs_person(leases: Mapping[str, timedelta], now: datetime) -> sa.ColumnElement[bool]:
    """Per tenant: in error or uncertain, or pending with a lease that ended (each tenant's own lease)."""
    return sa.or_(*(
        sa.and_(ledger.c.tenant == tenant, sa.or_(
            ledger.c.status.in_(NEEDS_PERSON),
            sa.and_(ledger.c.status == "pending", ledger.c.claimed_at < now - lease),
        ))
        for tenant, lease in leases.items()
    ))


def attention_page(
    leases: Mapping[str, timedelta], *, category: str | None = None, status: str | None = None,
    order_id: str | None = None, limit: int = 50, offset: int = 0, store: StateStore | None = None,
    now: datetime | None = None,
) -> AttentionPage:
    """One page of the orders needing a person, for the tenants in ``leases`` (tenant -> claim lease).

    ``order_id`` matches an id or its prefix (a person pastes part of it); the oldest come first.
    """
    if not leases:
        return AttentionPage([], 0, offset, limit)
    store = store or StateStore()
    now = now or datetime.now(UTC)
    where = [_needs_person(leases, now)]
    if category is not None:
        where.append(ledger.c.category == category)
    if status is not None:
        where.append(ledger.c.status == status)
    if order_id:
        where.append(starts_with(ledger.c.order_id, order_id))
    query = (sa.select(*(ledger.c[name] for name in COLUMNS)).where(*where)
             .order_by(ledger.c.updated_at, ledger.c.order_id).limit(limit).offset(offset))
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(ledger).where(*where)).scalar_one()
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        since = row["updated_at"] if row["updated_at"].tzinfo else row["updated_at"].replace(tzinfo=UTC)
        row["waiting_seconds"] = int((now - since).total_seconds())
        if row["status"] == "pending":
            row["reason"] = row["reason"] or "its task stopped holding it (claim lease over): release or retry it"
    return AttentionPage(rows, int(total), offset, limit)


def retriable(tenant: str, category: str, *, limit: int, store: StateStore | None = None
              ) -> tuple[list[dict[str, Any]], int]:
    """The oldest ``limit`` orders of ``category`` a person may hand back (error or uncertain), and how
    many there are in all. Pending orders past their lease are not among them: they are released, not retried."""
    store = store or StateStore()
    where = [ledger.c.tenant == tenant, ledger.c.status.in_(NEEDS_PERSON), ledger.c.category == category]
    query = (sa.select(ledger.c.channel, ledger.c.order_id, ledger.c.status).where(*where)
             .order_by(ledger.c.updated_at, ledger.c.order_id).limit(limit))
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(ledger).where(*where)).scalar_one()
        return [dict(row._mapping) for row in conn.execute(query)], int(total)
