"""Freshness per source: the last webhook event each vendor sent a tenant, and each flow's last success.

Why both: a webhook source that goes quiet (its subscription dropped, its token rotated) looks
exactly like a quiet shop; the time of its last authentic event tells them apart. Sources without
webhooks have only the pull flows, so the last successful real run of each flow is the fallback.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from puente.state.store import StateStore
from puente.state.tables import run_report, source_event


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SourceEvents:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()

    def record(self, tenant: str, source: str, at: datetime, outcome: str, topic: str | None = None) -> None:
        """Keep the latest event of (tenant, source); an older one arriving late never moves it back."""
        key = (source_event.c.tenant == tenant) & (source_event.c.source == source)
        values = {"last_event_at": at, "topic": (topic or None) and topic[:64], "outcome": outcome[:16]}
        with self.store.engine.begin() as conn:
            updated = conn.execute(source_event.update().where(key, source_event.c.last_event_at <= at)
                                   .values(**values, events=source_event.c.events + 1)).rowcount
            if updated:
                return
            if conn.execute(sa.select(source_event.c.events).where(key)).first() is not None:
                conn.execute(source_event.update().where(key).values(events=source_event.c.events + 1))
                return
        try:
            with self.store.engine.begin() as conn:
                conn.execute(source_event.insert().values(tenant=tenant, source=source, events=1, **values))
        except sa.exc.IntegrityError:  # another request inserted it first: count this one there
            self.record(tenant, source, at, outcome, topic)

    def rows(self, tenant: str) -> list[dict[str, Any]]:
        query = sa.select(source_event).where(source_event.c.tenant == tenant).order_by(source_event.c.source)
        with self.store.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["last_event_at"] = _aware(row["last_event_at"])
        return rows

    def last_success(self, tenant: str, flow: str) -> datetime | None:
        """When the flow's last successful real run (not a dry run) finished."""
        query = (sa.select(sa.func.max(run_report.c.finished_at))
                 .where(run_report.c.tenant == tenant, run_report.c.flow == flow,
                        run_report.c.status == "success", run_report.c.dry_run.is_(False)))
        with self.store.engine.connect() as conn:
            found = conn.execute(query).scalar_one_or_none()
        return _aware(found) if found else None
