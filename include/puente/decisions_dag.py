"""``<tenant>__decisions``: the tenant's waiting orders as Airflow Required Actions (built by the factory).

One DAG per tenant with invoicing, no schedule: the invoicing run's last task triggers it when a new
order waits for a person (``AskForDecisionsOperator``), and anyone may trigger it by hand to be
asked now. ``waiting_orders`` takes the unasked orders; ``decide`` is one Human-in-the-loop task
instance per order (mapped, labelled ``<channel>/<order_id>``), settled when answered, each on its
own. Several runs may be open at once (people take days), up to ``MAX_ACTIVE_RUNS``; beyond that
new runs queue. Nothing here reads anything: parse time stays two tasks.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, Param

from puente.config.models import TenantConfig
from puente.decision_questions import (
    ASK_TASK,
    DECIDE_TASK,
    LATER,
    MAX_ACTIVE_RUNS,
    MAX_QUESTIONS,
    OPTIONS,
    RESPONSE_TIMEOUT,
    decisions_dag_id,
)

DOC = (
    "### {name}: orders that wait for a person\n\n"
    "Each order in `error` or `uncertain` is asked once in **Required Actions** (task `decide`, one per "
    "order, labelled `<channel>/<order_id>`): *Exists in ERP* (give `document`), *Send again*, *Skip* "
    "(give `reason`) or *Decide later*. The answer settles the invoice ledger row once, as the Airflow user "
    "who answered; an order the console settled first refuses the answer (one line in the task log). "
    "At most {limit} orders per run, oldest first; unanswered questions fall back to *Decide later* after "
    "{days} days. Triggered by the invoicing run when a new order waits; trigger it by hand to be asked now."
)


def decision_params() -> dict[str, Param]:
    return {
        "document": Param(None, type=["null", "string"], maxLength=64,
                          description="Exists in ERP: the ERP document's number"),
        "reason": Param(None, type=["null", "string"], maxLength=500, description="Skip: why (or a note)"),
    }


def build_decisions_dag(config: TenantConfig, base: dict[str, Any]) -> DAG:
    """``base``: the factory's shared DAG kwargs for the invoicing flow (start date, owner, tags)."""
    from puente.operators.decisions import SettleOrderOperator, WaitingOrdersOperator

    tenant = config.tenant
    with DAG(
        **{**base, "dag_id": decisions_dag_id(tenant), "max_active_runs": MAX_ACTIVE_RUNS,
           "tags": sorted({tenant, "decisions"}), "default_args": {**base["default_args"], "retries": 0}},
        description=f"{config.name}: orders in error or uncertain, asked in Required Actions",
        schedule=None,
        doc_md=DOC.format(name=config.name, limit=MAX_QUESTIONS, days=RESPONSE_TIMEOUT.days),
    ) as dag:
        waiting = WaitingOrdersOperator(task_id=ASK_TASK, tenant=tenant)
        SettleOrderOperator.partial(
            task_id=DECIDE_TASK, tenant=tenant, options=OPTIONS, defaults=[LATER], params=decision_params(),
            response_timeout=RESPONSE_TIMEOUT, map_index_template="{{ task.order_key }}",
        ).expand_kwargs(waiting.output)
    return dag
