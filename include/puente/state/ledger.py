"""The invoice ledger protocol: every order invoiced exactly once, every failure kept with its reason.

Each step is one short transaction with a compare-and-set ``UPDATE ... WHERE``, so two workers,
a retried task and a re-run can never both own an order:

``enqueue``  new orders -> ``queued``; transient errors are re-queued; other errors only on request.
``claim``    ``queued`` -> ``pending`` under a claim token ("<run_id>/<map_index>"). A ``pending``
             row whose owner died may be reclaimed by the same token (Airflow's task retry), by
             anyone once its lease expired, or once a person released it (``release``, after
             Airflow said its task is over); the caller is told the row was "maybe sent".
``finish``   ``pending`` -> ``invoiced | skipped | error | uncertain``, fenced by the claim token,
             so a slow zombie can never overwrite the outcome its successor recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from puente.state.store import StateStore, _jsonable
from puente.state.tables import invoice_ledger as ledger

DONE = ("invoiced", "skipped")
RETRYABLE_CATEGORIES = ("transient",)


def _now() -> datetime:
    return datetime.now(UTC)


def _key(tenant: str, channel: str, order_id: str):
    return sa.and_(ledger.c.tenant == tenant, ledger.c.channel == channel, ledger.c.order_id == order_id)


class InvoiceLedger:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()
        self.engine = self.store.engine

    def rows(
        self, tenant: str, channel: str | None = None, *, statuses: Iterable[str] | None = None,
        order_ids: Iterable[str] | None = None, run_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Ledger rows, filtered in the database (a channel's ledger grows by every order it ever had)."""
        query = sa.select(ledger).where(ledger.c.tenant == tenant)
        if run_id is not None:
            query = query.where(ledger.c.run_id == run_id)
        if channel is not None:
            query = query.where(ledger.c.channel == channel)
        if statuses is not None:
            query = query.where(ledger.c.status.in_(list(statuses)))
        if order_ids is not None:
            query = query.where(ledger.c.order_id.in_(list(order_ids)))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.order_by(ledger.c.order_id))]

    def enqueue(
        self, tenant: str, channel: str, run_id: str, orders: Iterable[Mapping[str, Any]], *, retry_errors: bool = False
    ) -> tuple[list[str], dict[str, int]]:
        """Record eligible orders; return the ids this run should process, and why others are not.

        Two collect steps may enqueue the same orders at once (a manual run beside the scheduled one)
        and a channel may list an order twice (pages shifting under the reader). So each new order is
        inserted with ``ON CONFLICT DO NOTHING`` and, when another run inserted it first, decided on
        as an existing row; and rows are written in order-id order, so two such transactions on
        PostgreSQL wait for each other instead of deadlocking. The claim still decides who invoices.
        """
        latest: dict[str, Mapping[str, Any]] = {}
        for order in orders:  # an order listed twice is enqueued once, with what was read last
            latest[str(order["order_id"])] = order
        orders, ids = list(latest.values()), list(latest)
        existing = {row["order_id"]: row for row in self._existing(tenant, channel, ids)}
        now = _now()
        to_process: list[str] = []
        reasons = {"already_done": 0, "errors_kept": 0, "needs_person": 0}
        with self.engine.begin() as conn:
            for order in sorted(orders, key=lambda order: str(order["order_id"])):
                order_id = str(order["order_id"])
                payload = _jsonable(order["payload"])
                row = existing.get(order_id)
                if row is None:
                    if self._insert_new(conn, tenant, channel, run_id, order, payload, now):
                        to_process.append(order_id)
                        continue
                    row = dict(conn.execute(sa.select(ledger).where(_key(tenant, channel, order_id))).one()._mapping)
                if row["status"] in DONE:
                    reasons["already_done"] += 1
                elif row["status"] == "uncertain":
                    reasons["needs_person"] += 1
                elif row["status"] == "error" and not (retry_errors or row["category"] in RETRYABLE_CATEGORIES):
                    reasons["errors_kept"] += 1
                else:  # queued, pending (claim decides), or an error being retried
                    values = {"payload": payload, "run_id": run_id, "updated_at": now}
                    if row["status"] == "error":
                        values |= {"status": "queued", "category": None, "reason": None}
                    conn.execute(ledger.update().where(_key(tenant, channel, order_id)).values(**values))
                    to_process.append(order_id)
        position = {order_id: index for index, order_id in enumerate(ids)}
        return sorted(to_process, key=position.__getitem__), reasons

    def _insert_new(self, conn: sa.Connection, tenant: str, channel: str, run_id: str, order: Mapping[str, Any],
                    payload: Any, now: datetime) -> bool:
        """Insert a new ``queued`` row; False when another run's row for the order is already there."""
        insert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert(ledger)
        inserted = conn.execute(insert.values(
            tenant=tenant, channel=channel, order_id=str(order["order_id"]), status="queued", attempts=0,
            attached=False, attach_attempts=0, run_id=run_id, order_created_at=order.get("created_at"),
            payload=payload, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["tenant", "channel", "order_id"]))
        return inserted.rowcount == 1

    def _existing(self, tenant: str, channel: str, ids: list[str]) -> list[dict[str, Any]]:
        found = []
        for start in range(0, len(ids), 500):  # keep IN lists short for every database
            found += self.rows(tenant, channel, order_ids=ids[start : start + 500])
        return found

    def claim(
        self, tenant: str, channel: str, order_id: str, claim: str, *, lease: timedelta
    ) -> dict[str, Any] | None:
        """Take the order for this attempt; None when it is done or another live worker holds it.

        The returned row carries ``maybe_sent``: True when an earlier attempt may already have
        created the document (a reclaimed ``pending`` row), so only an idempotent send or a
        lookup is allowed.
        """
        now = _now()
        taken = {"status": "pending", "claim": claim, "claimed_at": now, "attempts": ledger.c.attempts + 1,
                 "updated_at": now}
        reclaimable = sa.and_(ledger.c.status == "pending", sa.or_(
            ledger.c.claim == claim, ledger.c.claimed_at < now - lease, ledger.c.claim.is_(None)))
        # Two compare-and-set UPDATEs, each atomic, so which one matched says what the row was
        # before: usually the first (a fresh order: one statement, one transaction in all).
        with self.engine.begin() as conn:
            for maybe_sent, claimable in ((False, ledger.c.status == "queued"), (True, reclaimable)):
                row = self._take(conn, _key(tenant, channel, order_id), claimable, taken)
                if row is not None:
                    return row | {"maybe_sent": maybe_sent}
        return None

    def _take(self, conn: sa.Connection, key: Any, claimable: Any, values: dict[str, Any]) -> dict[str, Any] | None:
        """``UPDATE ... RETURNING`` where the database has it (SQLite >= 3.35, PostgreSQL), else UPDATE + SELECT."""
        update = ledger.update().where(key, claimable).values(**values)
        if self.engine.dialect.update_returning:
            found = conn.execute(update.returning(*ledger.c)).mappings().first()
            return dict(found) if found is not None else None
        if conn.execute(update).rowcount != 1:
            return None
        return dict(conn.execute(sa.select(ledger).where(key)).one()._mapping)

    def finish(
        self, tenant: str, channel: str, order_id: str, claim: str, status: str, **fields: Any
    ) -> bool:
        """Record the outcome if this attempt still holds the claim (fencing)."""
        allowed = {"category", "reason", "kind", "erp_doc_id", "erp_doc_number", "erp_doc_url", "run_id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown ledger fields {sorted(unknown)}")
        with self.engine.begin() as conn:
            result = conn.execute(
                ledger.update()
                .where(_key(tenant, channel, order_id), ledger.c.claim == claim, ledger.c.status == "pending")
                .values(status=status, updated_at=_now(), **fields)
            )
        return result.rowcount == 1

    def release(self, tenant: str, channel: str, order_id: str, claim: str, reason: str) -> bool:
        """Take a dead holder's claim back: the row stays ``pending`` (maybe sent), with no holder, so
        the next claim looks the document up (or re-sends idempotently) instead of sending blindly.

        Fenced by the claim the caller checked against Airflow, so a claim taken over in between is
        left alone. A zombie of the old holder is still fenced out of ``finish``.
        """
        with self.engine.begin() as conn:
            result = conn.execute(
                ledger.update()
                .where(_key(tenant, channel, order_id), ledger.c.status == "pending", ledger.c.claim == claim)
                .values(claim=None, reason=reason, updated_at=_now())
            )
        return result.rowcount == 1

    def note_attach_attempt(self, tenant: str, channel: str, order_id: str) -> None:
        """Recorded before the channel call, so a lost answer is looked up instead of re-posted."""
        with self.engine.begin() as conn:
            conn.execute(
                ledger.update()
                .where(_key(tenant, channel, order_id))
                .values(attach_attempts=ledger.c.attach_attempts + 1, updated_at=_now())
            )

    def mark_attached(self, tenant: str, channel: str, order_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                ledger.update().where(_key(tenant, channel, order_id)).values(attached=True, updated_at=_now())
            )

    def set_overrides(self, tenant: str, channel: str, order_id: str, overrides: Mapping[str, str], by: str) -> bool:
        """A person's per-line ERP SKUs for one order, kept with who and when, merged with earlier
        ones; an order in error goes back to ``queued``. Only a row nobody is invoicing and no
        document settled (``queued`` or ``error``) takes them: False otherwise."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(ledger.c.status, ledger.c.sku_overrides)
                               .where(_key(tenant, channel, order_id))).one_or_none()
            if row is None or row.status not in ("queued", "error"):
                return False
            values: dict[str, Any] = {"sku_overrides": {**(row.sku_overrides or {}), **overrides}, "override_by": by,
                                      "override_at": _now(), "updated_at": _now(), "status": "queued"}
            if row.status == "error":
                values |= {"category": None, "reason": None}
            done = conn.execute(ledger.update().where(_key(tenant, channel, order_id),
                                                      ledger.c.status.in_(["queued", "error"])).values(**values))
        return done.rowcount == 1

    def resolve(self, tenant: str, channel: str, order_id: str, status: str, reason: str) -> bool:
        """A person's decision on an ``uncertain`` or ``error`` row (e.g. "found it in Facto").

        ``queued`` hands the order back to the next run, so its old category no longer applies.
        """
        values: dict[str, Any] = {"status": status, "reason": reason, "updated_at": _now()}
        if status == "queued":
            values["category"] = None
        with self.engine.begin() as conn:
            result = conn.execute(
                ledger.update()
                .where(_key(tenant, channel, order_id), ledger.c.status.in_(["uncertain", "error"]))
                .values(**values)
            )
        return result.rowcount == 1

    def settle(self, tenant: str, channel: str, order_id: str, values: Mapping[str, Any]) -> bool:
        """Write a person's settlement (``puente.rules.settlement``) if the row still waits for one.

        One conditional ``UPDATE ... WHERE status IN ('error', 'uncertain')``: of two people settling
        the same order at once (the console and Airflow's Required Actions), exactly one wins.
        """
        from puente.rules.settlement import SETTLEABLE

        with self.engine.begin() as conn:
            result = conn.execute(
                ledger.update().where(_key(tenant, channel, order_id), ledger.c.status.in_(SETTLEABLE))
                .values(**values)
            )
        return result.rowcount == 1
