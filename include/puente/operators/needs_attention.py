"""The invoicing DAG's last leaf: the run ends red when it leaves orders for a person (issue 14.6).

Why a failing task and not a run note: a green run must mean nothing waits for a person, at a glance
in the DAG's run list, and a task cannot set its run's note in Airflow 3 (the Execution API that
tasks talk to has no route for it, and tasks have no metadata-database access). The report task
stays the one that writes the report; this task only reads it, after it, and fails with one line.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator

from puente.operators.invoicing import FLOW


class NeedsAttentionOperator(BaseOperator):
    ui_color = "#fde2c8"

    def __init__(self, *, tenant: str, **kwargs: Any) -> None:
        super().__init__(trigger_rule="all_done", retries=0, **kwargs)
        self.tenant = tenant

    def execute(self, context: Any) -> dict[str, int]:
        from airflow.sdk.exceptions import AirflowFailException

        from puente.rules.run_attention import attention_message, orders_needing_a_person
        from puente.state.store import StateStore

        report = StateStore().report(self.tenant, FLOW, context["run_id"])
        if report is None:  # the report task failed before writing: it is red already
            self.log.warning("no invoicing report for this run: nothing to check")
            return {}
        needing = orders_needing_a_person(report["counts"])
        message = attention_message(self.tenant, needing)
        if message:
            raise AirflowFailException(message)
        return needing
