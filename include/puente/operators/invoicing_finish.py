"""After the invoice chunks: attach what is still unattached, then report the run.

The invoice tasks already attach each document right after creating it (``attach_one``, the same
protocol); the attach task is the safety net for what they could not (channel errors, a killed
task). Both run even when a chunk failed (trigger rule ``all_done``): what was invoiced gets
attached, and the report says what happened to every order this run touched.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

from puente.operators.invoicing import FLOW, OUTAGE_AFTER, _load, channel_flow

MAX_LISTED_FAILURES = 200
LOG = logging.getLogger(__name__)


class AttachDocumentsOperator(BaseOperator):
    """Attach every invoiced, not yet attached document to its order in the channel."""

    ui_color = "#e3f1fb"

    def __init__(self, *, tenant_config: dict, channel_index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config
        self.channel_index = channel_index

    def execute(self, context: Any) -> dict[str, int]:
        from puente.connectors import registry
        from puente.operators.preview import dry_run_for
        from puente.operators.runtime import share_rate_limits
        from puente.state.ledger import InvoiceLedger

        dry_run_for(context, FLOW, preview=False)  # refuses a run that asks for a dry run
        share_rate_limits()
        config, channel, settings = _load(self.tenant_config, self.channel_index)
        if not settings.attach_documents:
            return {}
        ledger = InvoiceLedger()
        source = registry.order_source(channel, config.timezone)
        counts: Counter[str] = Counter()
        failures_in_a_row = 0
        for row in ledger.rows(config.tenant, channel.conn_id, statuses=["invoiced"]):
            if row["attached"]:
                continue
            outcome, exc = attach_one(ledger, source, config.tenant, channel.conn_id, row)
            counts[outcome] += 1
            if outcome == "refused":
                self.log.warning("order %s: the channel refused the document: %s", row["order_id"], exc)
            elif outcome == "failed":
                failures_in_a_row += 1
                self.log.warning("order %s: attaching failed, will retry next run: %s", row["order_id"], exc)
                if failures_in_a_row >= OUTAGE_AFTER:
                    raise AirflowException(f"{channel.conn_id} looks down: {exc}") from exc
            else:
                failures_in_a_row = 0
        self.log.info("documents attached to %s orders: %s", channel.conn_id, dict(counts))
        return dict(counts)


def attach_one(ledger: Any, source: Any, tenant: str, channel: str, row: dict) -> tuple[str, Exception | None]:
    """Attach one invoiced row's document: ``attached``, ``refused`` or ``failed`` (and the vendor error).

    The one place the attach protocol lives, used by this task and, right after each invoice, by the
    invoice task: the attempt is noted *before* the call, so after a lost answer the next try looks
    the order's documents up instead of posting a second one; only a confirmed call marks the row.
    Vendor errors are returned, not raised, so a caller decides what an outage means for it.
    """
    from puente.hooks.errors import PermanentError, VendorError
    from puente.models import InvoiceRecord

    record = InvoiceRecord(doc_id=row["erp_doc_id"], number=row["erp_doc_number"], kind=row["kind"],
                           url=row["erp_doc_url"])
    check_first = row["attach_attempts"] > 0
    ledger.note_attach_attempt(tenant, channel, row["order_id"])
    try:
        source.attach(row["order_id"], record, check_first=check_first)
    except PermanentError as exc:
        return "refused", exc
    except VendorError as exc:
        return "failed", exc
    ledger.mark_attached(tenant, channel, row["order_id"])
    return "attached", None


class InvoicingReportOperator(BaseOperator):
    """Counts per outcome and category, failures with reasons: in the log, in state, in the UI."""

    ui_color = "#e8e3f5"

    def __init__(self, *, tenant_config: dict, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config
        self.preview = preview  # the preview DAG's report: written as a dry run

    def execute(self, context: Any) -> dict[str, Any]:
        from puente.operators.notify import notify_invoicing
        from puente.operators.preview import dry_run_for
        from puente.rules.claims import split_unfinished
        from puente.rules.invoicing import FOUND_EXISTING
        from puente.state.ledger import InvoiceLedger
        from puente.state.store import StateStore

        dry_run = dry_run_for(context, FLOW, preview=self.preview)
        config, _, settings = _load(self.tenant_config, 0)
        store = StateStore()
        ledger = InvoiceLedger(store)
        run_id = context["run_id"]
        totals: Counter[str] = Counter()
        failures: list[dict] = []
        own_unfinished, held_lines, read = 0, [], {}
        for channel in config.channels:
            collected = store.report(config.tenant, f"{channel_flow(channel.conn_id)}/collect", run_id)
            read[channel.conn_id] = collected is not None
            if collected:
                totals.update({k: int(v) for k, v in collected["counts"].items()})
            rows = ledger.rows(config.tenant, channel.conn_id, run_id=run_id)
            unfinished = split_unfinished(rows, run_id)
            own_unfinished += len(unfinished.own)
            held_lines += held_by_others(context, config.tenant, channel.conn_id, unfinished.held,
                                         timedelta(minutes=settings.claim_lease_minutes))
            for row in rows:
                totals[row["status"]] += 1
                if row["status"] == "invoiced" and row["category"] == FOUND_EXISTING:
                    totals["found_existing"] += 1
                if row["status"] == "invoiced" and row["attached"]:
                    totals["attached"] += 1
                if row["status"] in {"error", "uncertain"}:
                    totals[f"error:{row['category'] or row['status']}"] += 1
                    if len(failures) < MAX_LISTED_FAILURES:
                        failures.append({"channel": channel.conn_id, "order_id": row["order_id"],
                                         "status": row["status"], "category": row["category"],
                                         "reason": row["reason"]})
            totals["held_by_other_runs"] += unfinished.held_count
        status = "failed" if own_unfinished else ("partial" if failures or held_lines else "success")
        invoiced = totals.get("invoiced", 0)
        counts = {"documents_created": invoiced - totals.get("found_existing", 0), "skipped": totals.get("skipped", 0),
                  "failed": totals.get("error", 0) + totals.get("uncertain", 0), **dict(sorted(totals.items()))}
        details = {"failures": failures, "held_by_other_runs": held_lines}
        store.write_report(config.tenant, FLOW, run_id, status, counts, details, dry_run=dry_run)
        self.log.info("Invoicing report for %s (%s): %s", config.tenant, status, counts)
        for failure in failures:
            self.log.warning("order %(order_id)s on %(channel)s: %(status)s [%(category)s] %(reason)s", failure)
        for line in held_lines:
            self.log.warning("%s", line)
        if not dry_run:  # incidents open and clear on real runs only; a failed send is retried next run
            notify_invoicing(config, store, read, context)
        if own_unfinished:
            raise AirflowException(f"{own_unfinished} of this run's orders were not finished (one of its invoice "
                                   "tasks failed or was stopped); its retry or the next run resumes them")
        return {"status": status, "counts": counts}


def held_by_others(context: Any, tenant: str, channel: str, held: dict[str, list], lease: timedelta) -> list[str]:
    """One truthful line per claim another run holds: whose, until when, and whether Airflow says its
    task is over (then ``puente orders release`` may take the claim back before the lease ends)."""
    from puente.rules.claims import held_message, lease_end, parse_claim
    from puente.task_ids import dag_id, invoice_task_id

    task_id, lines = invoice_task_id(channel), []
    for claim, rows in sorted(held.items()):
        holder = parse_claim(claim)
        state, found = _task_state(context, dag_id(tenant, FLOW), holder.run_id, task_id, holder.map_index)
        ends = max((lease_end(row["claimed_at"], lease) for row in rows if row["claimed_at"]), default=None)
        command = f"puente orders release {tenant} --claim {claim} --reason ..."
        lines.append(f"{channel}: " + held_message(len(rows), holder, task_id, ends, state, found, command))
    return lines


def _task_state(context: Any, dag_id: str, run_id: str, task_id: str, map_index: int) -> tuple[str | None, bool]:
    """(state, found) of a task instance, asked through the Execution API (tasks cannot query the DB)."""
    try:
        states = context["ti"].get_task_states(dag_id=dag_id, map_index=map_index, task_ids=[task_id],
                                               run_ids=[run_id])
    except Exception as exc:  # the report still says who holds the orders; only the state is unknown
        LOG.warning("could not ask Airflow for %s %s: %s", run_id, task_id, exc)
        return None, False
    key = task_id if map_index < 0 else f"{task_id}_{map_index}"
    by_task = states.get(run_id) or {}
    return (by_task[key], True) if key in by_task else (None, False)
