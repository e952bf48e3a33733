"""Incidents in state: the open/clear transitions, recorded so that exactly one run wins each.

Why conditional statements rather than read-then-write: two runs of a tenant (the invoicing and the
catalog DAG, a retry next to the scheduled run) may observe the same change at the same moment.
Opening is an INSERT the primary key lets through once (or an UPDATE ``WHERE status='cleared'``
for a reopening); clearing is an UPDATE ``WHERE status='open'``; the run whose statement changed a
row owes the message. The message itself is a separate claim (``notice``): taken before sending,
given back when sending fails, so an SMTP outage delays a notice to the next run instead of losing
it or failing the run. A crash between taking and sending loses that one message (never doubles it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from puente.rules.incidents import Observation
from puente.state.store import StateStore
from puente.state.tables import incident

OPENED, CLEARED = "opened", "cleared"


def _now() -> datetime:
    return datetime.now(UTC)


def _fields(observation: Observation) -> dict[str, Any]:
    return {"count": observation.count, "summary": observation.summary[:2000] or None,
            "samples": [sample[:500] for sample in observation.samples[:20]]}


class Incidents:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()

    def _where(self, tenant: str, key: str) -> list[sa.ColumnElement[bool]]:
        return [incident.c.tenant == tenant, incident.c.key == key]

    def open_keys(self, tenant: str) -> set[str]:
        query = sa.select(incident.c.key).where(incident.c.tenant == tenant, incident.c.status == "open")
        with self.store.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def rows(self, tenant: str) -> list[dict[str, Any]]:
        query = sa.select(incident).where(incident.c.tenant == tenant).order_by(incident.c.key)
        with self.store.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def open(self, tenant: str, observation: Observation) -> bool:
        """Open (or reopen) one incident; True for the one caller whose statement did it."""
        now = _now()
        try:
            with self.store.engine.begin() as conn:
                conn.execute(incident.insert().values(
                    tenant=tenant, key=observation.key, kind=observation.kind, subject=observation.subject,
                    status="open", notice=OPENED, opened_at=now, updated_at=now, **_fields(observation)))
            return True
        except sa.exc.IntegrityError:
            pass  # it exists: open already (someone else won) or cleared (reopen below)
        # A "cleared" notice still owed means the person never heard it cleared: nothing new to say.
        notice = sa.case((incident.c.notice == CLEARED, sa.null()), else_=sa.literal(OPENED))
        with self.store.engine.begin() as conn:
            done = conn.execute(incident.update().where(*self._where(tenant, observation.key),
                                                        incident.c.status == "cleared").values(
                status="open", notice=notice, opened_at=now, cleared_at=None, updated_at=now,
                **_fields(observation)))
        return done.rowcount == 1

    def refresh(self, tenant: str, observation: Observation) -> None:
        """An incident still open: keep its latest count and examples (no message)."""
        with self.store.engine.begin() as conn:
            conn.execute(incident.update().where(*self._where(tenant, observation.key), incident.c.status == "open")
                         .values(updated_at=_now(), **_fields(observation)))

    def clear(self, tenant: str, key: str) -> bool:
        """Clear one open incident; True for the one caller whose statement did it."""
        now = _now()
        # An "opened" notice never sent: the person never heard of it, so no "cleared" either.
        notice = sa.case((incident.c.notice == OPENED, sa.null()), else_=sa.literal(CLEARED))
        with self.store.engine.begin() as conn:
            done = conn.execute(incident.update().where(*self._where(tenant, key), incident.c.status == "open")
                                .values(status="cleared", notice=notice, cleared_at=now, updated_at=now))
        return done.rowcount == 1

    def owed(self, tenant: str) -> list[dict[str, Any]]:
        """The incidents whose message is still owed (just transitioned, or a failed send)."""
        query = sa.select(incident).where(incident.c.tenant == tenant, incident.c.notice.is_not(None))
        with self.store.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.order_by(incident.c.key))]

    def take_notice(self, tenant: str, key: str, event: str) -> bool:
        """Claim the owed message before sending it: one sender wins."""
        with self.store.engine.begin() as conn:
            done = conn.execute(incident.update().where(*self._where(tenant, key), incident.c.notice == event)
                                .values(notice=None))
        return done.rowcount == 1

    def give_back_notice(self, tenant: str, key: str, event: str) -> None:
        """Sending failed: owe the message again, unless the incident moved on meanwhile."""
        status = "open" if event == OPENED else "cleared"
        with self.store.engine.begin() as conn:
            conn.execute(incident.update().where(*self._where(tenant, key), incident.c.notice.is_(None),
                                                 incident.c.status == status).values(notice=event))
