"""What the dry-run guard reads and writes in Airflow's metadata DB: its audit log, a DAG's pause flag, runs.

Airflow's own audit log (the ``log`` table, "Audit Log" in the UI) is where the guard meets the other
request of the trigger form: the core API writes ``patch_dag`` with ``is_paused`` and the user for
every pause/unpause, and commits it before the route runs; the guard writes ``puente.dry_run_refused``
and ``puente.paused_again`` beside them, so a person reading the audit log sees what happened and
why. Being in the database, it works across api-server workers and replicas (no process memory).

Everything here is blocking ORM work: the guard calls it through a thread pool.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

REFUSED = "puente.dry_run_refused"
PAUSED_AGAIN = "puente.paused_again"
UNPAUSE_EVENT = "patch_dag"


def now() -> datetime:
    """The metadata DB's clock convention (aware UTC), as the audit rows are stamped."""
    from airflow.utils import timezone

    return timezone.utcnow()


def record(event: str, dag_id: str, user: str, extra: dict) -> None:
    """One audit-log row, committed at once (the other request polls for it)."""
    from airflow.models.log import Log
    from airflow.utils.session import create_session

    with create_session() as session:
        session.add(Log(event, owner=user, owner_display_name=user, extra=json.dumps(extra), dag_id=dag_id))


def refused_since(dag_id: str, user: str, since: datetime) -> bool:
    """Whether this user's dry-run request for this DAG was refused at or after ``since``."""
    from airflow.models.log import Log
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        found = session.scalar(select(Log.id).where(
            Log.event == REFUSED, Log.dag_id == dag_id, Log.owner == user, Log.dttm >= since).limit(1))
    return found is not None


def unpaused_at(dag_id: str, user: str, since: datetime) -> datetime | None:
    """When this user unpaused this DAG through the API at or after ``since``, if that is still the DAG's
    latest pause change (nobody paused it since, the guard did not already pause it again); else None."""
    from airflow.models.log import Log
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        latest = session.execute(select(Log.dttm, Log.event, Log.owner, Log.extra).where(
            Log.event.in_((UNPAUSE_EVENT, PAUSED_AGAIN)), Log.dag_id == dag_id, Log.dttm >= since)
            .order_by(Log.dttm.desc(), Log.id.desc()).limit(1)).first()
    if latest is None or latest.event != UNPAUSE_EVENT or latest.owner != user:
        return None
    try:
        fields = json.loads(latest.extra or "{}")
    except ValueError:
        return None
    unpaused = isinstance(fields, dict) and fields.get("is_paused") in (False, "false", "False")
    return latest.dttm if unpaused else None


def _is_paused(dag_id: str) -> bool | None:
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return session.scalar(select(DagModel.is_paused).where(DagModel.dag_id == dag_id))


def pause_again(dag_id: str, user: str, since: datetime, wait_s: float) -> tuple[list[str], list[str]]:
    """Pause the DAG the same gesture unpaused, once that unpause is committed, and drop what it queued.

    Waits up to ``wait_s`` for the unpause (its audit row is committed before the route changes the
    flag) so the pause is not overwritten by it. Scheduled runs created since ``since`` that are still
    queued are deleted (none of their tasks ran); any that already started are stopped as the UI's
    "mark failed" does (running tasks killed: the ledger's claims make that safe) and returned as the
    second list, so the answer names them rather than pretend. Returns (removed, started).
    """
    from airflow.models.dag import DagModel
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from airflow.utils.types import DagRunType
    from sqlalchemy import select, update

    deadline = time.monotonic() + wait_s
    while _is_paused(dag_id) and time.monotonic() < deadline:
        time.sleep(0.05)
    with create_session() as session:
        session.execute(update(DagModel).where(DagModel.dag_id == dag_id).values(is_paused=True))
        created = session.scalars(select(DagRun).where(
            DagRun.dag_id == dag_id, DagRun.run_type == DagRunType.SCHEDULED,
            DagRun.created_at >= since - timedelta(seconds=1))).all()
        removed = [run.run_id for run in created if run.state == DagRunState.QUEUED]
        started = [run.run_id for run in created if run.state != DagRunState.QUEUED]
        for run in created:
            if run.state == DagRunState.QUEUED:
                session.delete(run)
        if started:
            _stop(session, dag_id, started)
    record(PAUSED_AGAIN, dag_id, user, {"reason": "unpaused together with a refused dry-run request",
                                         "removed_runs": removed, "started_runs": started})
    return removed, started


def _stop(session, dag_id: str, run_ids: list[str]) -> None:
    """Mark the runs failed, killing their running tasks, as ``PATCH .../dagRuns/<id>`` {state: failed} does."""
    from airflow.api.common.mark_tasks import set_dag_run_state_to_failed
    from airflow.models.serialized_dag import SerializedDagModel

    dag = SerializedDagModel.get_dag(dag_id, session=session)
    if dag is None:
        return
    for run_id in run_ids:
        set_dag_run_state_to_failed(dag=dag, run_id=run_id, commit=True, session=session)
