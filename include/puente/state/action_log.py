"""The console's action log: every decision a person took, with the Airflow user, time and outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from puente.state.store import StateStore, _jsonable
from puente.state.tables import console_action


class ActionLog:
    def __init__(self, store: StateStore | None = None) -> None:
        self.store = store or StateStore()

    def record(self, tenant: str, action: str, subject: str, actor: str, outcome: str,
               detail: Mapping[str, Any]) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(console_action.insert().values(
                tenant=tenant, action=action, subject=subject[:255], actor=actor, outcome=outcome,
                detail=_jsonable(dict(detail)), at=datetime.now(UTC)))

    def rows(self, tenant: str, limit: int = 100) -> list[dict[str, Any]]:
        query = (sa.select(console_action).where(console_action.c.tenant == tenant)
                 .order_by(console_action.c.id.desc()).limit(limit))
        with self.store.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def record_cli(tenant: str, action: str, subject: str, actor: str, outcome: str, detail: Mapping[str, Any]) -> None:
    """A CLI decision in the same log as the console's, so the Actions log shows every hand that acted.

    The decision itself is already in the ledger or the links: a log that cannot be written (state
    down between the two) is one warning line, never a failed command.
    """
    import sys

    try:
        ActionLog().record(tenant, action, subject, actor, outcome, detail)
    except Exception as exc:
        print(f"warning: not written to the action log ({exc.__class__.__name__})", file=sys.stderr)
