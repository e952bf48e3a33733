"""The questions Puente asks in Airflow's Required Actions, named once for the DAG, its tasks and the console.

An order in ``error`` or ``uncertain`` waits for a person. Besides the console, it is asked in the
tenant's ``<tenant>__decisions`` DAG: one Human-in-the-loop task instance per order (task ``decide``,
map index shown as ``<channel>/<order_id>``), whose options are the settlement decisions of
``puente.rules.settlement``. Light on purpose (no Airflow import): the factory, the operators and
the console's api-server routes all read it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from puente.task_ids import dag_id

FLOW = "decisions"
ASK_TASK = "waiting_orders"
DECIDE_TASK = "decide"
# A run asks at most this many orders (one mapped task instance each, far below max_map_length):
# with more waiting, the next trigger's run asks the next ones, oldest first.
MAX_QUESTIONS = 200
MAX_ACTIVE_RUNS = 16
# Unanswered after this long, the question closes with "Decide later" and a later run asks again.
RESPONSE_TIMEOUT = timedelta(days=7)

SEND, SKIP, EXISTS, LATER = "Send again", "Skip", "Exists in ERP", "Decide later"
OPTIONS = [EXISTS, SEND, SKIP, LATER]
DECISION_OF = {EXISTS: "exists", SEND: "send", SKIP: "skip", LATER: None}
OPTION_OF = {decision: option for option, decision in DECISION_OF.items() if decision}


def decisions_dag_id(tenant: str) -> str:
    return dag_id(tenant, FLOW)


def question_key(channel: str, order_id: str) -> str:
    """The map index label of an order's question: how the console finds it again."""
    return f"{channel}/{order_id}"


def question(row: dict[str, Any]) -> dict[str, Any]:
    """The mapped kwargs of one order's question: JSON only (it travels in XCom)."""
    reason = (row.get("reason") or "no reason recorded").replace("\n", " ")[:1000]
    category = f" ({row['category']})" if row.get("category") else ""
    return {
        "order_key": question_key(row["channel"], row["order_id"]),
        "subject": f"Order {row['order_id']} ({row['channel']}) is {row['status']}: settle it",
        "body": (
            f"**{row['tenant']}**, order `{row['order_id']}` in `{row['channel']}`: **{row['status']}**{category}.\n\n"
            f"Why: {reason}\n\nAttempts: {row.get('attempts', 0)}. Check the ERP, then choose:\n\n"
            f"- **{EXISTS}**: the ERP has its document; give its number in `document`.\n"
            f"- **{SEND}**: the ERP does not have it; the next invoicing run sends it.\n"
            f"- **{SKIP}**: never invoice it; say why in `reason`.\n"
            f"- **{LATER}**: change nothing now.\n\n"
            "The console may settle it too: whichever answer comes first counts, once."
        ),
    }
