"""The catalog import ledger: each ERP product is created in a channel at most once.

One short transaction per step, compare-and-set on ``attempts``, because a manual import (CLI) and
a DAG run may meet on the same product:

``claim``    a new row, or any row not ``created`` -> ``pending`` under a claim token, *before* the
             create is sent. A ``pending`` row another claim took less than ``lease`` ago is left
             alone (None). The caller gets the row as it was (``{}`` if new): a ``pending`` one means
             a create may already have reached the channel, so it looks the product up first.
``created``  ``pending`` -> ``created`` with the channel's product and variant ids.
``failed``   ``pending`` -> ``error`` with the vendor's reason (nothing was created; retried later).
Both finishes are fenced by the claim token: a claim taken over after its lease cannot be undone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from puente.state.store import StateStore
from puente.state.tables import catalog_import as ledger

DEFAULT_LEASE = timedelta(minutes=30)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _key(tenant: str, channel: str, product_key: str):
    return sa.and_(ledger.c.tenant == tenant, ledger.c.channel == channel, ledger.c.product_key == product_key)


class CatalogImportLedger:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()
        self.engine = self.store.engine

    def rows(self, tenant: str, channel: str, statuses: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Rows of one channel by ERP product key."""
        query = sa.select(ledger).where(ledger.c.tenant == tenant, ledger.c.channel == channel)
        if statuses is not None:
            query = query.where(ledger.c.status.in_(list(statuses)))
        with self.engine.connect() as conn:
            return {row.product_key: dict(row._mapping) for row in conn.execute(query.order_by(ledger.c.product_key))}

    def claim(
        self, tenant: str, channel: str, product_key: str, *, name: str, skus: list[str], claim: str,
        lease: timedelta = DEFAULT_LEASE,
    ) -> dict[str, Any] | None:
        """Mark the product ``pending`` for this claim; the row as it was (``{}`` if new), or None if held.

        A ``created`` row is returned unchanged (not claimed): the product exists already.
        """
        now = _now()
        with self.engine.begin() as conn:
            before = conn.execute(sa.select(ledger).where(_key(tenant, channel, product_key))).first()
            if before is None:
                dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
                inserted = conn.execute(dialect.insert(ledger).values(
                    tenant=tenant, channel=channel, product_key=product_key, name=name, skus=skus, status="pending",
                    attempts=1, claim=claim, updated_at=now,
                ).on_conflict_do_nothing())
                return {} if inserted.rowcount == 1 else None
            row = dict(before._mapping)
            if row["status"] == "created":
                return row
            held = row["status"] == "pending" and row["claim"] != claim
            if held and _aware(row["updated_at"]) + lease > now:
                return None
            taken = conn.execute(
                ledger.update()
                .where(_key(tenant, channel, product_key), ledger.c.attempts == row["attempts"],
                       ledger.c.status != "created")
                .values(status="pending", claim=claim, attempts=row["attempts"] + 1, name=name, skus=skus,
                        updated_at=now)
            )
            return row if taken.rowcount == 1 else None

    def created(
        self, tenant: str, channel: str, product_key: str, *, claim: str, product_id: str,
        variants: dict[str, str | None], created_by: str, reason: str | None = None,
    ) -> bool:
        """``pending`` -> ``created`` (``reason`` says how, e.g. adopted after a lost answer)."""
        return self._finish(tenant, channel, product_key, claim, status="created", product_id=product_id,
                            variants=variants, created_by=created_by, reason=reason)

    def failed(self, tenant: str, channel: str, product_key: str, *, claim: str, reason: str) -> bool:
        """``pending`` -> ``error``: the channel refused it, or a lookup proved nothing was created."""
        return self._finish(tenant, channel, product_key, claim, status="error", reason=reason)

    def _finish(self, tenant: str, channel: str, product_key: str, claim: str, **values: Any) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                ledger.update()
                .where(_key(tenant, channel, product_key), ledger.c.status == "pending", ledger.c.claim == claim)
                .values(**values, updated_at=_now())
            )
        return done.rowcount == 1
