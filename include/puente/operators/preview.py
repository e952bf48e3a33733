"""Dry runs live in one never-scheduled DAG per tenant, ``<tenant>__preview``; scheduled DAGs refuse them.

Why: a dry run asked of a scheduled DAG is a trap. The trigger form's "Unpause on trigger" box is
ticked by default, and unpausing a scheduled DAG makes Airflow create the latest interval's run at
once, with empty params, so it writes for real (15 documents in the incident of issue 14.7). The
preview DAG has no schedule, so unpausing it schedules nothing, and its tasks are built with
``preview=True``: the dry-run path is chosen by how the task was built, never by a run's params.
The api-server refuses a trigger asking ``dry_run`` of a scheduled DAG, with its unpause
(``puente.web.dry_run_guard``); a run that still carries it by another path (the CLI on the metadata
DB) fails at each task before any vendor call, naming the preview DAG.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from puente.task_ids import PREVIEW, SEPARATOR

FLOW_PARAM = "flow"


def asks_dry_run(context: Any) -> bool:
    """The run's params or its raw conf ask for a dry run (conf keys a DAG does not declare may not
    reach ``params``, so both are read)."""
    if (context.get("params") or {}).get("dry_run"):
        return True
    conf = getattr(context.get("dag_run"), "conf", None) or {}
    return bool(conf.get("dry_run"))


def dry_run_for(context: Any, flow: str, *, preview: bool) -> bool:
    """Whether this task plans only; skips a preview task of another flow, refuses a dry run elsewhere."""
    if preview:
        chosen = (context.get("params") or {}).get(FLOW_PARAM)
        if chosen != flow:
            raise AirflowSkipException(f"this preview is for {chosen!r}, not {flow!r}")
        return True
    if asks_dry_run(context):
        dag_id = str(getattr(context.get("dag_run"), "dag_id", "") or "")
        tenant = dag_id.split(SEPARATOR)[0] or "<tenant>"
        raise AirflowFailException(
            f"nothing done: this DAG has no dry run; preview in {tenant}{SEPARATOR}{PREVIEW} "
            f"(params: {FLOW_PARAM}={flow!r} and the same options), which is never scheduled"
        )
    return False
