"""Who is asking, through Airflow's own auth manager: every console route depends on it.

Plugin FastAPI apps get no authentication from Airflow by themselves, so the console resolves the
user exactly as the core API does (``airflow.api_fastapi.core_api.security.get_user``: the
``Authorization: Bearer <jwt>`` header, else the UI's ``_token`` cookie, so a page opened from the
Airflow UI carries the same user and roles): 401 without credentials, 403 with a bad token. What a
user may see of a tenant follows Airflow's DAG permissions: read access to any of the tenant's
DAGs shows the tenant, edit access lets them act (``can_edit``).

Airflow's security module is imported when a request comes, not at import: the plugin is loaded
by every Airflow process (DAG processor children included), only the api-server serves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request

TenantId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,62}$")]
"""A tenant id in a console route's path: a bad one is a 422 before any rights or file lookup."""


def tenant_dag_ids(tenant: str) -> list[str]:
    """Every DAG id the tenant's flows may have: rights to a tenant are rights to its DAGs."""
    from puente.decision_questions import FLOW as DECISIONS
    from puente.factory import FLOW_BUILDERS
    from puente.task_ids import PREVIEW

    return [f"{tenant}__{flow}" for flow in (*FLOW_BUILDERS, DECISIONS, PREVIEW)]


@dataclass(frozen=True)
class ConsoleUser:
    """The Airflow user behind a console request, with their DAG rights."""

    user: Any
    name: str

    def _authorized(self, dag_ids: Iterable[str], method: str) -> set[str]:
        from airflow.api_fastapi.app import get_auth_manager

        return get_auth_manager().filter_authorized_dag_ids(dag_ids=set(dag_ids), user=self.user, method=method)

    def can_read(self, dag_ids: Iterable[str]) -> bool:
        return bool(self._authorized(dag_ids, "GET"))

    def can_edit(self, dag_ids: Iterable[str]) -> bool:
        return bool(self._authorized(dag_ids, "PUT"))

    def can_read_tenant(self, tenant: str) -> bool:
        return self.can_read(tenant_dag_ids(tenant))

    def require_tenant(self, tenant: str) -> None:
        """404 for a tenant the user may not read: the same answer as for one that does not exist."""
        if not self.can_read_tenant(tenant):
            raise HTTPException(404, f"no tenant {tenant!r} you may read")


async def console_user(request: Request) -> ConsoleUser:
    """FastAPI dependency: the logged-in Airflow user, or 401/403 as the core API answers."""
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user

    credentials = await bearer_scheme(request)
    user = await get_user(request, None, credentials)
    return ConsoleUser(user, str(user.get_name()))


ConsoleUserDep = Annotated[ConsoleUser, Depends(console_user)]
