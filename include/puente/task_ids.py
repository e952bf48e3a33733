"""DAG and task ids of the generated DAGs, in one place: the factory names them, the ledger's tools find them.

Why its own module: ``puente orders release`` and the invoicing report ask Airflow about the task
that holds a claim, so they must name it exactly as the factory did, without importing the factory.
"""

from __future__ import annotations

SEPARATOR = "__"


def dag_id(tenant: str, flow: str) -> str:
    return f"{tenant}{SEPARATOR}{flow}"


def task_suffix(conn_id: str) -> str:
    """The part of a channel's task ids that names the channel (task ids allow no dots or dashes)."""
    return conn_id.replace(".", "_").replace("-", "_")


def invoice_task_id(conn_id: str) -> str:
    """The mapped task that claims a channel's orders in the invoice ledger."""
    return f"invoice{SEPARATOR}{task_suffix(conn_id)}"


PREVIEW = "preview"
"""The flow name of each tenant's never-scheduled preview DAG (``<tenant>__preview``): dry runs live there."""
