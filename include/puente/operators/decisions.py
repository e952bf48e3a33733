"""Orders that wait for a person, asked in Airflow's Required Actions; the answers settle the ledger.

Three operators, wired by ``puente.decisions_dag``:

- ``AskForDecisionsOperator`` ends the invoicing run: when orders in ``error`` or ``uncertain`` have
  no open question, it claims them for a new ``<tenant>__decisions`` run and triggers it (and skips
  otherwise, or on a dry run). The
  invoicing run itself never waits for a person, so its hourly runs are never blocked.
- ``WaitingOrdersOperator`` takes up to ``MAX_QUESTIONS`` unasked orders, oldest first, and returns
  one question per order (mapped kwargs: JSON).
- ``SettleOrderOperator`` is Airflow's ``HITLOperator`` for one order (options: exists in ERP / send
  again / skip / decide later; params: document, reason). When answered it applies the choice
  through ``puente.order_decisions.settle_order``, as the Airflow user who answered. If the order
  was settled elsewhere first (the console), the answer is refused with one line in the log and
  the task still succeeds: a late answer is not a failure of the run.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import BaseOperator

from puente.decision_questions import DECISION_OF, MAX_QUESTIONS, RESPONSE_TIMEOUT, question


def _requests() -> Any:
    from puente.state.decision_requests import DecisionRequests

    return DecisionRequests(response_timeout=RESPONSE_TIMEOUT)


class AskForDecisionsOperator(TriggerDagRunOperator):
    """Trigger the tenant's decisions DAG only when a new order waits for a person."""

    ui_color = "#fdf2d0"

    def __init__(self, *, tenant: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant

    def execute(self, context: Any) -> Any:
        from airflow.sdk.exceptions import AirflowSkipException

        if context["params"].get("dry_run"):
            raise AirflowSkipException("dry run: nobody is asked")
        run_id = f"asked__{context['run_id']}"[:250]
        # Claimed for the run about to be created, so the next invoicing run does not trigger again
        # while this one is queued (or its DAG paused); unasked after the stale delay if it never runs.
        taken = _requests().ask(self.tenant, run_id, MAX_QUESTIONS)
        if not taken:
            raise AirflowSkipException("no new order waits for a person")
        self.log.info("%s order(s) wait for a person: asking in %s", len(taken), run_id)
        self.trigger_run_id = run_id
        return super().execute(context)


class WaitingOrdersOperator(BaseOperator):
    """Take the unasked waiting orders for this run: one question each, at most ``MAX_QUESTIONS``."""

    ui_color = "#fdf2d0"

    def __init__(self, *, tenant: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant

    def execute(self, context: Any) -> list[dict[str, Any]]:
        requests, run_id = _requests(), context["run_id"]
        rows = requests.taken(self.tenant, run_id)  # claimed by the invoicing run that triggered this one
        rows += requests.ask(self.tenant, run_id, MAX_QUESTIONS - len(rows))
        self.log.info("%s order(s) to ask about (at most %s per run)", len(rows), MAX_QUESTIONS)
        return [question(row) for row in rows]


class SettleOrderOperator(HITLOperator):
    """One order's question in Required Actions; the answer settles the order once, or is refused."""

    ui_color = "#fdf2d0"
    # Not templated: subject and body quote the vendor's reason, which may hold "{{" (hostile input
    # must never be rendered as Jinja). The map index label is rendered from our own template.
    template_fields = ()

    def __init__(self, *, tenant: str, order_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant
        self.order_key = order_key

    def execute_complete(self, context: Any, event: dict[str, Any]) -> dict[str, Any]:
        answer = super().execute_complete(context, event)  # validates the options and params
        return self.apply(answer["chosen_options"][0], answer["params_input"], answer["responded_by_user"])

    def apply(self, option: str, inputs: dict[str, Any], responder: dict[str, Any] | None) -> dict[str, Any]:
        from puente.order_decisions import DecisionRefused, settle_order
        from puente.rules.settlement import SETTLEABLE
        from puente.state.ledger import InvoiceLedger

        channel, _, order_id = self.order_key.partition("/")
        by = f"airflow:{responder['name']}" if responder else "airflow:timeout"
        decision = DECISION_OF.get(option)
        outcome: dict[str, Any] = {"order": self.order_key, "option": option, "by": by}
        if decision is None:
            outcome |= {"outcome": "later", "line": "nothing changed: asked again by the next decisions run"}
        else:
            try:
                outcome |= {"outcome": "settled", "line": settle_order(
                    self.tenant, order_id, decision, by=by, document=inputs.get("document"),
                    reason=inputs.get("reason"), channel=channel)}
            except DecisionRefused as exc:
                outcome |= {"outcome": "refused", "line": str(exc)}
        if outcome["outcome"] == "refused":
            self.log.warning("answer not applied: %s", outcome["line"])
        else:
            self.log.info("%s: %s", outcome["outcome"], outcome["line"])
        rows = InvoiceLedger().rows(self.tenant, channel, order_ids=[order_id])
        requests = _requests()
        if rows and rows[0]["status"] in SETTLEABLE:
            requests.forget(self.tenant, channel, order_id)  # still waiting: ask again
        else:
            requests.close(self.tenant, channel, order_id)
        return outcome
