"""The one place that calls Airflow's internal trigger API (it is not a public interface).

Plugin apps run inside the api-server, which owns the metadata database, so a webhook can create
a DAG run directly. Keeping the call here means one file to change when Airflow changes it.
"""

from __future__ import annotations

from typing import Any


def trigger_run(dag_id: str, run_id: str, conf: dict[str, Any]) -> bool:
    """Create a run; False when a run with this id exists (the vendor re-sent the event)."""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.exceptions import DagRunAlreadyExists
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType

    try:
        with create_session() as session:
            trigger_dag(
                dag_id, triggered_by=DagRunTriggeredByType.REST_API, run_id=run_id, conf=conf, session=session
            )
    except DagRunAlreadyExists:
        return False
    return True
