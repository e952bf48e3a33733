"""A person's decision on one order in the ledger, for the CLI and the console alike.

``retry`` hands an order in ``error`` or ``uncertain`` back to the next run (``queued``);
``skipped`` settles it outside Puente (e.g. the document exists in the ERP, made by hand). The
reason is kept in the ledger. Refusals are one line (``DecisionRefused``).

``settle_order`` is the settlement of an uncertain order ("it exists in the ERP as document N" /
"it does not: send" / "skip, because ..."), with who and when, shared by the console, the CLI and
Airflow's Required Actions (``puente.operators.decisions``): whichever comes first settles the
row, the others are refused with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

RESOLUTIONS = {"retry": "queued", "skipped": "skipped"}


class DecisionRefused(Exception):
    """Why the decision was not recorded: one line for a person."""


def _one_row(ledger: Any, tenant: str, order_id: str, channel: str | None) -> dict[str, Any]:
    rows = ledger.rows(tenant, channel, order_ids=[order_id])
    if len(rows) != 1:
        found = "no such order" if not rows else "the order is in several channels: name the channel"
        raise DecisionRefused(f"{tenant} order {order_id}: {found}")
    return rows[0]


def _settled_already(tenant: str, order_id: str, row: dict[str, Any]) -> DecisionRefused:
    by = f" (settled by {row['settled_by']} at {row['settled_at']:%Y-%m-%d %H:%M} UTC)" if row.get("settled_by") else ""
    return DecisionRefused(f"{tenant} order {order_id} is {row['status']}{by}: only error or uncertain orders can be "
                           "settled")


def settle_order(tenant: str, order_id: str, decision: str, *, by: str, document: str | None = None,
                 reason: str | None = None, channel: str | None = None, ledger: Any = None) -> str:
    """Settle one order in ``error`` or ``uncertain``, once; the line says what changed."""
    from puente.rules.settlement import SettlementInvalid, plan_settlement
    from puente.state.ledger import InvoiceLedger

    try:
        settlement = plan_settlement(decision, by=by, at=datetime.now(UTC), document=document, reason=reason)
    except SettlementInvalid as exc:
        raise DecisionRefused(f"{tenant} order {order_id}: {exc}") from exc
    ledger = ledger or InvoiceLedger()
    row = _one_row(ledger, tenant, order_id, channel)
    if not ledger.settle(tenant, row["channel"], order_id, settlement.values):
        # Another settlement won (or the row was never waiting): say what the row is now.
        raise _settled_already(tenant, order_id, _one_row(ledger, tenant, order_id, row["channel"]))
    return settlement.line(tenant, order_id, row["channel"], row["status"])


def resolve_order(tenant: str, order_id: str, resolution: str, reason: str, *, channel: str | None = None,
                  ledger: Any = None) -> str:
    from puente.state.ledger import InvoiceLedger

    if resolution not in RESOLUTIONS:
        raise DecisionRefused(f"unknown decision {resolution!r} (one of: {', '.join(sorted(RESOLUTIONS))})")
    ledger = ledger or InvoiceLedger()
    row = _one_row(ledger, tenant, order_id, channel)
    status = RESOLUTIONS[resolution]
    if not ledger.resolve(tenant, row["channel"], order_id, status, f"resolved by hand: {reason}"):
        raise DecisionRefused(f"{tenant} order {order_id} is {row['status']}: only error or uncertain orders can be "
                              "resolved")
    return f"{tenant} order {order_id} ({row['channel']}): {row['status']} -> {status}"
