"""The CRM ledger protocol: each ERP invoice becomes at most one CRM opportunity.

One short transaction per step, with compare-and-set ``UPDATE ... WHERE``, because backfill runs
of the same DAG may run side by side and an edited invoice can fall into two of their windows:

``claim``   any row not ``pending`` (or new) -> ``pending`` under the run's claim token; a
            ``pending`` row is taken over only by the same token (a task retry) or after its lease.
            The caller gets the row as it was, to know whether a create may already have happened.
``note``    remember the contact while ``pending`` (a retry reuses it).
``finish``  ``pending`` -> ``synced | error``, fenced by the claim token.
``skip``    a decision not to create (seller not linked): recorded unless the invoice is synced.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from puente.state.store import StateStore
from puente.state.tables import crm_ledger as ledger


def _now() -> datetime:
    return datetime.now(UTC)


def _key(tenant: str, invoice_id: str):
    return sa.and_(ledger.c.tenant == tenant, ledger.c.invoice_id == invoice_id)


class CrmLedger:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()
        self.engine = self.store.engine

    def _insert_new(self, conn: sa.Connection, **values: Any) -> bool:
        """INSERT unless the key exists (no savepoint needed): True when this call inserted it."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        done = conn.execute(dialect.insert(ledger).values(**values).on_conflict_do_nothing())
        return done.rowcount == 1

    def rows(
        self, tenant: str, *, invoice_ids: Iterable[str] | None = None, statuses: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        if invoice_ids is not None:
            ids = list(invoice_ids)
            found: list[dict[str, Any]] = []
            for start in range(0, len(ids), 500):  # keep IN lists short for every database
                found += self._select(tenant, ids[start : start + 500], statuses)
            return sorted(found, key=lambda row: row["invoice_id"])
        return self._select(tenant, None, statuses)

    def _select(self, tenant: str, ids: list[str] | None, statuses: Iterable[str] | None) -> list[dict[str, Any]]:
        query = sa.select(ledger).where(ledger.c.tenant == tenant)
        if ids is not None:
            query = query.where(ledger.c.invoice_id.in_(ids))
        if statuses is not None:
            query = query.where(ledger.c.status.in_(list(statuses)))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.order_by(ledger.c.invoice_id))]

    def claim(
        self, tenant: str, invoice_id: str, *, claim: str, run_id: str, invoice_name: str,
        created_at: datetime | None, lease: timedelta,
    ) -> dict[str, Any] | None:
        """Take the invoice for this task; the row as it was before (``{}`` if new), or None if held."""
        now = _now()
        with self.engine.begin() as conn:
            before = conn.execute(sa.select(ledger).where(_key(tenant, invoice_id))).first()
            if before is None:
                inserted = self._insert_new(
                    conn, tenant=tenant, invoice_id=invoice_id, invoice_name=invoice_name, status="pending",
                    attempts=1, claim=claim, claimed_at=now, run_id=run_id, invoice_created_at=created_at,
                    updated_at=now,
                )
                return {} if inserted else None  # not inserted: another task did, and holds it
            claimable = sa.or_(
                ledger.c.status != "pending", ledger.c.claim == claim, ledger.c.claimed_at < now - lease
            )
            done = conn.execute(
                ledger.update().where(_key(tenant, invoice_id), claimable).values(
                    status="pending", claim=claim, claimed_at=now, run_id=run_id, invoice_name=invoice_name,
                    attempts=ledger.c.attempts + 1, updated_at=now,
                )
            )
            return dict(before._mapping) if done.rowcount == 1 else None

    def note_contact(self, tenant: str, invoice_id: str, claim: str, contact_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(ledger.update().where(_key(tenant, invoice_id), ledger.c.claim == claim)
                         .values(contact_id=contact_id, updated_at=_now()))

    def finish(
        self, tenant: str, invoice_id: str, claim: str, status: str, *, contact_id: str | None = None,
        deal_id: str | None = None, value: Decimal | None = None, category: str | None = None,
        reason: str | None = None,
    ) -> bool:
        """Record the outcome; False when another task took the row over (its outcome stands)."""
        values: dict[str, Any] = {"status": status, "category": category, "reason": reason, "updated_at": _now()}
        values |= {k: v for k, v in {"contact_id": contact_id, "deal_id": deal_id, "value": value}.items() if v}
        with self.engine.begin() as conn:
            done = conn.execute(
                ledger.update().where(_key(tenant, invoice_id), ledger.c.claim == claim,
                                      ledger.c.status == "pending").values(**values)
            )
            return done.rowcount == 1

    def skip(
        self, tenant: str, invoice_id: str, *, run_id: str, invoice_name: str, created_at: datetime | None,
        category: str | None, reason: str | None,
    ) -> bool:
        """Record a skip; never over a synced or pending row (an opportunity exists or may exist)."""
        now = _now()
        values = {"status": "skipped", "category": category, "reason": reason, "run_id": run_id,
                  "invoice_name": invoice_name, "updated_at": now}
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(ledger.c.status).where(_key(tenant, invoice_id))).scalar()
            if exists is None:
                return self._insert_new(conn, tenant=tenant, invoice_id=invoice_id, attempts=0,
                                        invoice_created_at=created_at, **values)
            done = conn.execute(ledger.update().where(
                _key(tenant, invoice_id), ledger.c.status.in_(["skipped", "error"])).values(**values))
            return done.rowcount == 1
