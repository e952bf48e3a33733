"""Settling an order a person looked at: what each decision writes to its ledger row (pure).

An order in ``error`` or ``uncertain`` waits for a person, who checked the ERP and says one of:

``exists``  "it exists in the ERP as document N": the row becomes ``invoiced`` with that number, so
            no run sends it again (a document made by hand is attached by hand too: ``attached``);
``send``    "it does not exist: send it": the row goes back to ``queued`` for the next run;
``skip``    "skip it, because ...": the row becomes ``skipped`` with the reason.

Who and when are kept in the row (``settled_by``, ``settled_at``). The same rules serve the console,
the CLI and Airflow's Required Actions, so every path writes the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SETTLEABLE = ("error", "uncertain")
DECISIONS = ("exists", "send", "skip")
SETTLED_BY_HAND = "settled_by_hand"
MAX_DOCUMENT = 64  # the ledger's erp_doc_number column
MAX_REASON = 500


class SettlementInvalid(ValueError):
    """The decision cannot be recorded as given: one line for a person."""


@dataclass(frozen=True)
class Settlement:
    """What one decision writes: the new status and the ledger values."""

    decision: str
    status: str
    values: dict[str, Any]

    def line(self, tenant: str, order_id: str, channel: str, before: str) -> str:
        document = self.values.get("erp_doc_number")
        extra = f" as document {document}" if document else ""
        return f"{tenant} order {order_id} ({channel}): {before} -> {self.status}{extra} ({self.values['settled_by']})"


def _clean(text: str | None, limit: int, name: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise SettlementInvalid(f"the {name} is longer than {limit} characters")
    if any(ord(char) < 32 for char in text):
        raise SettlementInvalid(f"the {name} has control characters")
    return text or None


def plan_settlement(decision: str, *, by: str, at: datetime, document: str | None = None,
                    reason: str | None = None) -> Settlement:
    """The ledger values for ``decision``; ``SettlementInvalid`` when a needed part is missing."""
    if decision not in DECISIONS:
        raise SettlementInvalid(f"unknown decision {decision!r} (one of: {', '.join(DECISIONS)})")
    if not by.strip():
        raise SettlementInvalid("who decides must be known")
    document = _clean(document, MAX_DOCUMENT, "document number")
    reason = _clean(reason, MAX_REASON, "reason")
    if decision == "exists" and document is None:
        raise SettlementInvalid("'exists in the ERP' needs the document number")
    if decision != "exists" and document is not None:
        raise SettlementInvalid(f"a document number only goes with 'exists', not {decision!r}")
    if decision == "skip" and reason is None:
        raise SettlementInvalid("skipping needs a reason")
    common = {"settled_by": by, "settled_at": at, "updated_at": at}
    if decision == "exists":
        why = f"exists in the ERP as document {document}" + (f": {reason}" if reason else "")
        values = common | {"status": "invoiced", "erp_doc_number": document, "category": SETTLED_BY_HAND,
                           "attached": True, "reason": f"settled by {by}: {why}"}
    elif decision == "send":
        values = common | {"status": "queued", "category": None,
                           "reason": f"settled by {by}: not in the ERP, send" + (f": {reason}" if reason else "")}
    else:
        values = common | {"status": "skipped", "reason": f"settled by {by}: skipped: {reason}"}
    return Settlement(decision, values["status"], values)
