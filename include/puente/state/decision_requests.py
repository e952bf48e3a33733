"""Which waiting orders were asked in Airflow's Required Actions, so each is asked once at a time.

The invoicing run's trigger claims them for the decisions run it creates (so a run still queued, or
a paused decisions DAG, is not triggered again every hour); a decisions run asks the orders claimed
for it and any orders in ``error`` or ``uncertain`` that have no open question: never asked, asked
by a run that died (open past the HITL response timeout plus a day), or asked before and settled
since, then back to waiting (the ledger row changed after the question closed). Taking a question
is a compare-and-set (insert, or a conditional ``UPDATE``), so two runs at once never ask the same
order twice. "Decide later" forgets the question: the next run asks again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from puente.rules.settlement import SETTLEABLE
from puente.state.store import StateStore
from puente.state.tables import decision_request as request
from puente.state.tables import invoice_ledger as ledger


def _key(tenant: str, channel: str, order_id: str):
    return sa.and_(request.c.tenant == tenant, request.c.channel == channel, request.c.order_id == order_id)


class DecisionRequests:
    def __init__(self, store: StateStore | None = None, *, response_timeout: timedelta = timedelta(days=7)) -> None:
        self.store = store or StateStore()
        self.engine = self.store.engine
        self.stale_after = response_timeout + timedelta(days=1)

    def _unasked(self, tenant: str, now: datetime):
        asked = sa.select(request.c.order_id).where(
            request.c.tenant == ledger.c.tenant, request.c.channel == ledger.c.channel,
            request.c.order_id == ledger.c.order_id,
            sa.or_(sa.and_(request.c.closed_at.is_(None), request.c.asked_at >= now - self.stale_after),
                   request.c.closed_at >= ledger.c.updated_at))
        return sa.and_(ledger.c.tenant == tenant, ledger.c.status.in_(SETTLEABLE), ~sa.exists(asked))

    def ask(self, tenant: str, run_id: str, limit: int) -> list[dict[str, Any]]:
        """Take up to ``limit`` unasked waiting orders for this run, oldest first: their ledger rows."""
        now = datetime.now(UTC)
        query = (sa.select(ledger.c.tenant, ledger.c.channel, ledger.c.order_id, ledger.c.status, ledger.c.category,
                           ledger.c.reason, ledger.c.attempts, ledger.c.updated_at)
                 .where(self._unasked(tenant, now)).order_by(ledger.c.updated_at, ledger.c.order_id).limit(limit))
        insert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert(request)
        taken = []
        with self.engine.begin() as conn:
            for row in [dict(found._mapping) for found in conn.execute(query)]:
                key = _key(tenant, row["channel"], row["order_id"])
                won = conn.execute(insert.values(tenant=tenant, channel=row["channel"], order_id=row["order_id"],
                                                 run_id=run_id, asked_at=now)
                                   .on_conflict_do_nothing(index_elements=["tenant", "channel", "order_id"])).rowcount
                if not won:
                    won = conn.execute(request.update().where(key, sa.or_(
                        sa.and_(request.c.closed_at.is_(None), request.c.asked_at < now - self.stale_after),
                        request.c.closed_at < row["updated_at"])).values(run_id=run_id, asked_at=now,
                                                                        closed_at=None)).rowcount
                if won:
                    taken.append(row)
        return taken

    def taken(self, tenant: str, run_id: str) -> list[dict[str, Any]]:
        """The still-waiting orders whose open question belongs to ``run_id`` (claimed when it was triggered)."""
        query = (sa.select(ledger.c.tenant, ledger.c.channel, ledger.c.order_id, ledger.c.status, ledger.c.category,
                           ledger.c.reason, ledger.c.attempts, ledger.c.updated_at)
                 .join(request, sa.and_(request.c.tenant == ledger.c.tenant, request.c.channel == ledger.c.channel,
                                        request.c.order_id == ledger.c.order_id))
                 .where(ledger.c.tenant == tenant, ledger.c.status.in_(SETTLEABLE), request.c.run_id == run_id,
                        request.c.closed_at.is_(None))
                 .order_by(ledger.c.updated_at, ledger.c.order_id))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def close(self, tenant: str, channel: str, order_id: str) -> None:
        """The question was answered: asked again only if the order comes back to waiting later."""
        with self.engine.begin() as conn:
            conn.execute(request.update().where(_key(tenant, channel, order_id)).values(closed_at=datetime.now(UTC)))

    def forget(self, tenant: str, channel: str, order_id: str) -> None:
        """"Decide later": the next decisions run asks again."""
        with self.engine.begin() as conn:
            conn.execute(request.delete().where(_key(tenant, channel, order_id)))
