"""Read-only console views on how fresh a tenant's data is, and on the files that are not loaded.

``GET /puente/api/tenants/<t>/sources`` -> ``{tenant, sources: [{source, webhooks: true,
last_event_at, age_seconds, topic, outcome, events}], flows: {flow: {last_success_at,
age_seconds}}}``: per webhook source of the tenant (vendors with a receiver, e.g. Bsale), the last
authentic event it sent (``null`` if none yet; a replay is not counted), and per flow the end of
its last successful real run (the fallback freshness for sources without webhooks). Times are ISO
8601 UTC.

``GET /puente/api/config-errors`` -> ``{files: [{file, dag_id, errors: [{field, reason}]}]}``: the
tenant files that fail validation. Who sees a file: a user who may read its placeholder DAG
(``config_error__<file>``, where its task fails with the same message) or the DAGs of the tenant
the file is named after (whose DAGs vanished because of it); same rule as the ops page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from puente.web.console_auth import ConsoleUser, ConsoleUserDep, TenantId, console_user, tenant_dag_ids


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _age(value: datetime | None, now: float) -> int | None:
    return None if value is None else max(0, int(now - value.timestamp()))


def webhook_sources(tenant: str) -> list[str]:
    """The tenant's vendors (ERP, channels) whose plug-in receives webhooks; empty for a broken file."""
    from puente.config.loader import load_tenants, tenant_paths
    from puente.connectors import registry

    config = load_tenants(tenant_paths(tenant)).tenants.get(tenant)
    if config is None:
        return []
    receivers = registry.vendors_with("event_receiver")
    return sorted({s.vendor for s in (config.erp, *config.channels) if s.vendor in receivers})


def sources(tenant: str, now: float) -> dict[str, Any]:
    from puente.factory import FLOW_BUILDERS
    from puente.state.source_events import SourceEvents

    events = SourceEvents()
    seen = {row["source"]: row for row in events.rows(tenant)}
    rows = []
    for source in sorted(set(webhook_sources(tenant)) | set(seen)):
        row = seen.get(source, {})
        rows.append({"source": source, "webhooks": True, "last_event_at": _iso(row.get("last_event_at")),
                     "age_seconds": _age(row.get("last_event_at"), now), "topic": row.get("topic"),
                     "outcome": row.get("outcome"), "events": row.get("events", 0)})
    flows = {}
    for flow in FLOW_BUILDERS:
        last = events.last_success(tenant, flow)
        flows[flow] = {"last_success_at": _iso(last), "age_seconds": _age(last, now)}
    return {"tenant": tenant, "sources": rows, "flows": flows}


def config_errors(user: ConsoleUser) -> dict[str, Any]:
    from puente.config.loader import error_key, load_tenants
    from puente.factory import CONFIG_ERROR_PREFIX

    files = []
    for error in load_tenants().errors:
        dag_id = f"{CONFIG_ERROR_PREFIX}{error_key(error.path)}"
        if not user.can_read([dag_id, *tenant_dag_ids(error.path.stem)]):
            continue
        files.append({"file": error.path.name, "dag_id": dag_id,
                      "errors": [{"field": f.field, "reason": f.reason} for f in error.errors]})
    return {"files": files}


def build_router(clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(console_user)])

    @router.get("/tenants/{tenant}/sources")
    def tenant_sources(tenant: TenantId,
                       user: ConsoleUserDep) -> dict[str, Any]:
        from puente.config.loader import tenant_paths

        user.require_tenant(tenant)
        if not tenant_paths(tenant):
            raise HTTPException(404, f"no tenant {tenant!r} you may read")
        return sources(tenant, clock())

    @router.get("/config-errors")
    def broken_files(user: ConsoleUserDep) -> dict[str, Any]:
        return config_errors(user)

    return router

