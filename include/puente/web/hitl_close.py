"""After the console settled an order, answer its open question in Airflow's Required Actions too.

The console runs in the api-server, which has Airflow's metadata database, so it answers the
question exactly as the Required Actions page does: through the core API's own
``update_hitl_detail`` (``PATCH .../hitlDetails``: row locks, "already answered" check, the resume
of the parked task), as the same user with the same choice. The resumed ``decide`` task then finds
the order settled and logs the refusal, so the question leaves Required Actions instead of
lingering with a stale answer to give. The settlement itself never depends on this: a failure here
is one line in the console's answer, not an error.
"""

from __future__ import annotations

from typing import Any

from puente.decision_questions import DECIDE_TASK, OPTION_OF, decisions_dag_id, question_key


def _channel(tenant: str, order_id: str, channel: str | None) -> str | None:
    from puente.state.ledger import InvoiceLedger

    rows = InvoiceLedger().rows(tenant, channel, order_ids=[order_id])
    return rows[0]["channel"] if len(rows) == 1 else None


def close_question(tenant: str, order_id: str, user: Any, body: Any) -> str | None:
    """Answer the order's open ``decide`` task instances; a line saying which, or None if none was open."""
    try:
        channel = _channel(tenant, order_id, body.channel)
        if channel is None:
            return None
        closed = _answer(decisions_dag_id(tenant), question_key(channel, order_id), user.user, OPTION_OF[body.decision],
                         {"document": body.document, "reason": body.reason})
    except Exception as exc:  # the settlement stands; say why Required Actions still asks
        return f"still open in Required Actions ({exc.__class__.__name__}: {str(exc)[:200]})"
    return f"answered in Required Actions: {', '.join(closed)}" if closed else None


def _answer(dag_id: str, key: str, airflow_user: Any, option: str, params_input: dict[str, Any]) -> list[str]:
    import sqlalchemy as sa
    from airflow.api_fastapi.core_api.datamodels.hitl import UpdateHITLDetailPayload
    from airflow.api_fastapi.core_api.routes.public.hitl import update_hitl_detail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState
    from fastapi import HTTPException

    closed = []
    with create_session() as session:
        waiting = session.execute(sa.select(TaskInstance.run_id, TaskInstance.map_index).where(
            TaskInstance.dag_id == dag_id, TaskInstance.task_id == DECIDE_TASK,
            TaskInstance.rendered_map_index == key,
            TaskInstance.state == TaskInstanceState.AWAITING_INPUT)).all()
        for run_id, map_index in waiting:
            try:
                update_hitl_detail(dag_id=dag_id, dag_run_id=run_id, task_id=DECIDE_TASK, map_index=map_index,
                                   update_hitl_detail_payload=UpdateHITLDetailPayload(
                                       chosen_options=[option], params_input=params_input),
                                   user=airflow_user, session=session)
            except HTTPException as exc:  # answered in Airflow meanwhile: nothing left to close
                if exc.status_code != 409:
                    raise
                continue
            session.commit()
            closed.append(f"{run_id}[{map_index}]")
    return closed
