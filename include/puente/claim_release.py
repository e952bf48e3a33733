"""Release the claims of invoice tasks that are over, checked against Airflow's own task state.

Why: a worker killed mid-chunk leaves its orders ``pending`` under its claim for the lease (30
minutes by default); an operator who sees in Airflow that the task is over should not have to wait.
Never blindly: the holder's task instance is read from Airflow's metadata database, and a claim is
released only when Airflow says that task is over (``puente.rules.claims.release_refusal``). The
row stays ``pending`` ("maybe sent"), so the next run settles it through the ERP lookup or an
idempotent re-send, never a blind second send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from puente.rules.claims import parse_claim, release_refusal
from puente.task_ids import dag_id, invoice_task_id

TaskState = Callable[[str, str, str, int], tuple[str | None, bool]]  # (dag, run, task, map index) -> (state, found)


def airflow_task_state(dag_id: str, run_id: str, task_id: str, map_index: int) -> tuple[str | None, bool]:
    """(state, found) of one task instance, from Airflow's metadata database (this runs outside tasks)."""
    import sqlalchemy as sa
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        found = session.execute(
            sa.select(TaskInstance.state).where(
                TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id, TaskInstance.task_id == task_id,
                TaskInstance.map_index == map_index,
            )
        ).first()
    return (None, False) if found is None else (None if found[0] is None else str(found[0]), True)


@dataclass(frozen=True)
class ReleaseOutcome:
    order_id: str
    channel: str
    claim: str | None
    refusal: str | None  # None: released

    def line(self) -> str:
        if self.refusal is None:
            return f"released {self.channel} order {self.order_id} (claim {self.claim}): the next run settles it"
        return f"kept    {self.channel} order {self.order_id} (claim {self.claim}): {self.refusal}"


def release_claims(ledger: Any, tenant: str, rows: Iterable[Mapping[str, Any]], reason: str,
                   task_state: TaskState = airflow_task_state) -> list[ReleaseOutcome]:
    """Release each ``pending`` row's claim whose task Airflow says is over; say why the others stay."""
    outcomes, states = [], {}
    for row in rows:
        claim, channel = row["claim"], row["channel"]
        holder = parse_claim(claim)
        if row["status"] != "pending" or holder is None:
            refusal = f"it is {row['status']}" + (" with no claim" if row["status"] == "pending" else "") + \
                ": nothing to release"
            outcomes.append(ReleaseOutcome(row["order_id"], channel, claim, refusal))
            continue
        task_id = invoice_task_id(channel)
        key = (holder.run_id, task_id, holder.map_index)
        if key not in states:  # one question per holder, however many orders it holds
            states[key] = task_state(dag_id(tenant, "invoicing"), *key)
        refusal = release_refusal(*states[key])
        if refusal is None:
            note = f"claim {claim} released by a person ({task_id} was {states[key][0]} in Airflow): {reason}"
            if not ledger.release(tenant, channel, row["order_id"], claim, note):
                refusal = "the row changed in the meantime (taken over or finished): nothing released"
        else:
            refusal = f"{task_id}[{holder.map_index}] of run {holder.run_id}: {refusal}"
        outcomes.append(ReleaseOutcome(row["order_id"], channel, claim, refusal))
    return outcomes
