"""``puente__watch``: the one deployment-wide DAG that notices what no tenant run can.

A broken tenant file has no flow DAGs left to run, and a webhook source that went quiet produces no
run at all; both are incidents a person must hear about without anyone clicking anything. Every
five minutes this DAG's one task validates every tenant file and reads the sources' last events
(nothing from a vendor), and hands the observations to the same incident machinery as the report
tasks (one message when an incident opens, one when it clears). It is created unpaused: it only
reads and notifies. Built once per DAG file parse, and alone on a worker (parsing context).
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

WATCH_DAG_ID = "puente__watch"
WATCH_SCHEDULE = "*/5 * * * *"  # the smallest quiet_after_minutes is 5


def build_watch_dag() -> DAG:
    from puente.operators.tenant_watch import TenantWatchOperator

    with DAG(
        dag_id=WATCH_DAG_ID,
        description="every tenant file and webhook source: config errors and quiet sources -> incident e-mails",
        schedule=WATCH_SCHEDULE,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        is_paused_upon_creation=False,
        tags=["puente", "watch"],
        doc_md=(
            "### Puente watch\n\nEvery 5 minutes: validates every tenant file (a broken one opens a "
            "`config_error/<file>` incident, mailed to the file's `notify:` recipients when that block is "
            "readable; fixed, it clears) and checks each tenant's webhook sources against "
            "`notify.quiet_after_minutes` (`source_quiet/<vendor>`). Reads no vendor; never fails for a tenant."
        ),
        default_args={"owner": "puente", "retries": 0},
    ) as dag:
        TenantWatchOperator(task_id="watch_tenants")
    return dag
