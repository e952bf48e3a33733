"""The one place that calls Airflow's internal trigger API (it is not a public interface).

Plugin apps run inside the api-server, which owns the metadata database, so a webhook can create
a DAG run directly. Keeping the call here means one file to change when Airflow changes it.
"""

from __future__ import annotations

from typing import Any


def trigger_run(dag_id: str, run_id: str, conf: dict[str, Any]) -> bool:
    """Create a run; False when a run with this id exists (the vendor re-sent the event).

    A DAG the api-server does not know (not parsed yet, or its flow is off) is a 404 for the
    vendor, not a 500.
    """
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.exceptions import DagNotFound, DagRunAlreadyExists
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType

    from puente.web.webhook_input import Refused

    try:
        with create_session() as session:
            trigger_dag(
                dag_id, triggered_by=DagRunTriggeredByType.REST_API, run_id=run_id, conf=conf, session=session
            )
    except DagRunAlreadyExists:
        return False
    except DagNotFound:
        raise Refused(404, f"no DAG {dag_id} (its flow is off, or the DAG is not parsed yet)") from None
    return True


def dag_paused(dag_id: str) -> bool | None:
    """Whether the DAG is paused; None when Airflow does not know it (not parsed yet, or its flow is off)."""
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        model = DagModel.get_current(dag_id, session=session)
        return None if model is None else bool(model.is_paused)
