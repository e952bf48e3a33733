"""Who holds a ``pending`` order, until when, and whether a person may take the claim back.

Why: after a worker is killed its orders stay ``pending`` under its claim until the lease ends.
Runs in between must neither fail for them nor pretend to resume them, and an operator must see
the holder and be able to release a claim whose task Airflow says is over. Pure functions: the
report task and ``puente orders release`` feed them ledger rows and Airflow's task states.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Airflow task-instance states in which the holder may still be sending (or its retry will reclaim
# the order with the same claim): a release is refused. ``None`` is a task not started yet.
STILL_RUNNING = frozenset({"running", "queued", "scheduled", "up_for_retry", "up_for_reschedule", "restarting",
                           "deferred", "awaiting_input", None})
# States in which Airflow no longer runs the task: its claim can be released.
OVER = frozenset({"failed", "success", "skipped", "upstream_failed", "removed"})


@dataclass(frozen=True)
class Holder:
    """The task attempt a claim names: ``<run_id>/<map_index>`` of the channel's invoice task."""

    run_id: str
    map_index: int


def claim_token(run_id: str, map_index: int) -> str:
    return f"{run_id}/{map_index}"


def parse_claim(claim: str | None) -> Holder | None:
    """The holder a claim token names; None for no claim (released) or a token of another shape."""
    if not claim or "/" not in claim:
        return None
    run_id, _, index = claim.rpartition("/")
    try:
        return Holder(run_id, int(index))
    except ValueError:
        return None


def lease_end(claimed_at: datetime | None, lease: timedelta) -> datetime | None:
    return None if claimed_at is None else claimed_at + lease


def release_refusal(state: str | None, found: bool) -> str | None:
    """Why the claim of a task in ``state`` must not be released (None: it may be)."""
    if not found:
        return "Airflow has no such task instance, so nothing proves it stopped; wait for the lease to end"
    if state in OVER:
        return None
    if state in STILL_RUNNING:
        return f"its task is {state or 'not started yet'} in Airflow; it (or its retry) settles the order"
    return f"its task is in state {state!r}, which does not prove it stopped"


@dataclass
class Unfinished:
    """A run's unfinished orders: its own (a task of this run failed) and those other runs hold."""

    own: list[Mapping[str, Any]]
    held: dict[str, list[Mapping[str, Any]]]  # claim token -> rows

    @property
    def held_count(self) -> int:
        return sum(len(rows) for rows in self.held.values())


def split_unfinished(rows: Iterable[Mapping[str, Any]], run_id: str) -> Unfinished:
    """Rows of this run still ``queued``/``pending``: a ``pending`` row under another run's claim is
    that run's, not this one's (collect re-listed it, the claim refused it)."""
    result = Unfinished(own=[], held={})
    for row in rows:
        if row["status"] not in {"queued", "pending"}:
            continue
        holder = parse_claim(row["claim"]) if row["status"] == "pending" else None
        if holder is not None and holder.run_id != run_id:
            result.held.setdefault(row["claim"], []).append(row)
        else:
            result.own.append(row)
    return result


def held_message(count: int, holder: Holder, task_id: str, ends: datetime | None, state: str | None,
                 found: bool, release_command: str) -> str:
    """One line for the run log and report: who holds the orders, until when, what a person can do."""
    until = f"its lease ends {ends.isoformat(timespec='seconds')}" if ends else "no lease end recorded"
    if release_refusal(state, found) is None:
        return (f"{count} order(s) are held by run {holder.run_id} ({task_id}[{holder.map_index}], {state} in "
                f"Airflow); {until}: after it, or now with `{release_command}`, the next run settles them "
                "through the ERP")
    now = (state or "not started yet") if found else "unknown to Airflow"
    return f"{count} order(s) are held by run {holder.run_id} ({task_id}[{holder.map_index}], {now}); {until}"
