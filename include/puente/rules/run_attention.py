"""Whether an invoicing run leaves orders for a person, and the one line that says so (issue 14.6).

Why a rule of its own: a green run in Airflow's run list must mean nothing waits for a person. The
report's ``failed`` count is every order of the run in ``error`` or ``uncertain``; ``transient``
errors are not a person's job (the next run picks them up by itself), every other category is
(link a SKU, fix a client, settle an uncertain send).
"""

from __future__ import annotations

from collections.abc import Mapping

CONSOLE_PATH = "/puente/ops"


def orders_needing_a_person(counts: Mapping[str, int]) -> dict[str, int]:
    """Per category (``uncertain`` for an unsettled send), the run's orders a person must look at."""
    return {key.removeprefix("error:"): int(n) for key, n in sorted(counts.items())
            if key.startswith("error:") and key != "error:transient" and int(n) > 0}


def attention_message(tenant: str, needing: Mapping[str, int]) -> str | None:
    """None when nothing waits for a person; else one line with the count, the categories and where to act."""
    total = sum(needing.values())
    if not total:
        return None
    categories = ", ".join(f"{n} {category}" for category, n in needing.items())
    noun = "order needs" if total == 1 else "orders need"
    return (f"{total} {noun} a person ({categories}): Puente operations {CONSOLE_PATH} "
            f"(tenant {tenant}), or `puente orders list {tenant} --status error`")
