"""Retry every order of one attention category at once ("all of a category"), for the console.

The same decision as retrying one order (:func:`puente.order_decisions.resolve_order`), applied to
the oldest ``MAX_ORDERS`` orders of the category that are in ``error`` or ``uncertain``; a person
who fixed the cause (linked the SKU, completed the client) hands them all back to the next run.
Bounded so one request never rewrites an unbounded part of the ledger: the answer says how many
remain, and asking again takes the next ones.
"""

from __future__ import annotations

from typing import Any

MAX_ORDERS = 200
MAX_REPORTED = 20  # refusals named in the answer (a row another person settled meanwhile)


def retry_category(tenant: str, category: str, reason: str, *, limit: int | None = None) -> dict[str, Any]:
    """Hand back the oldest ``limit`` (default ``MAX_ORDERS``) retriable orders of ``category``."""
    from puente.order_decisions import DecisionRefused, resolve_order
    from puente.state.attention import retriable

    rows, total = retriable(tenant, category, limit=limit or MAX_ORDERS)
    retried, refused = [], []
    for row in rows:
        try:
            resolve_order(tenant, row["order_id"], "retry", reason, channel=row["channel"])
        except DecisionRefused as exc:  # settled by someone else between the query and now
            refused.append(str(exc))
            continue
        retried.append(row["order_id"])
    return {"category": category, "retried": len(retried), "order_ids": retried,
            "refused": refused[:MAX_REPORTED], "remaining": max(0, total - len(rows))}
