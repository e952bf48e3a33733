"""A person's decision on one order in the ledger, for the CLI and the console alike.

``retry`` hands an order in ``error`` or ``uncertain`` back to the next run (``queued``);
``skipped`` settles it outside Puente (e.g. the document exists in the ERP, made by hand). The
reason is kept in the ledger. Refusals are one line (``DecisionRefused``).
"""

from __future__ import annotations

from typing import Any

RESOLUTIONS = {"retry": "queued", "skipped": "skipped"}


class DecisionRefused(Exception):
    """Why the decision was not recorded: one line for a person."""


def resolve_order(tenant: str, order_id: str, resolution: str, reason: str, *, channel: str | None = None,
                  ledger: Any = None) -> str:
    from puente.state.ledger import InvoiceLedger

    if resolution not in RESOLUTIONS:
        raise DecisionRefused(f"unknown decision {resolution!r} (one of: {', '.join(sorted(RESOLUTIONS))})")
    ledger = ledger or InvoiceLedger()
    rows = ledger.rows(tenant, channel, order_ids=[order_id])
    if len(rows) != 1:
        found = "no such order" if not rows else "the order is in several channels: name the channel"
        raise DecisionRefused(f"{tenant} order {order_id}: {found}")
    row = rows[0]
    status = RESOLUTIONS[resolution]
    if not ledger.resolve(tenant, row["channel"], order_id, status, f"resolved by hand: {reason}"):
        raise DecisionRefused(f"{tenant} order {order_id} is {row['status']}: only error or uncertain orders can be "
                              "resolved")
    return f"{tenant} order {order_id} ({row['channel']}): {row['status']} -> {status}"
