"""What a person sees in the console, read-only: ``GET /puente/api/attention``: the orders that need a
person, for the tenants the user may read, each with ``order_url`` (the channel's page for it, or null);
``GET /puente/api/tenants/<t>/health``: each flow's last real runs and its last dry run, and the tenant's
open incidents (those notified and not yet cleared);
``GET /puente/api/tenants/<t>/skus``: the synced-products list (unmatched, unsupported, linked), paged.

Query parameters are checked by FastAPI (a bad ``limit`` or ``status`` is a 422 naming it); a tenant
the user may not read, or that does not exist, is the same 404, so the list never tells one from the
other. Rows are secret-free ledger fields; the payload (buyer data) is not sent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from puente.web.console_auth import ConsoleUserDep, TenantId, console_user


def readable_leases(user) -> dict[str, timedelta]:
    """tenant -> claim lease, for every valid tenant whose DAGs ``user`` may read."""
    from puente.config.loader import load_tenants

    loaded = load_tenants()
    return {tenant: timedelta(minutes=config.flows.invoicing.claim_lease_minutes)
            for tenant, config in sorted(loaded.tenants.items()) if user.can_read_tenant(tenant)}


def open_incidents(tenant: str, store) -> list[dict[str, Any]]:
    """The tenant's open incidents (what was notified and has not cleared), newest first."""
    from puente.state.incidents import Incidents

    rows = [row for row in Incidents(store).rows(tenant) if row["status"] == "open"]
    return [{"key": row["key"], "kind": row["kind"], "subject": row["subject"], "count": row["count"],
             "summary": row["summary"], "opened_at": row["opened_at"].isoformat()}
            for row in sorted(rows, key=lambda row: row["opened_at"], reverse=True)]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(console_user)])

    @router.get("/attention")
    def attention(
        user: ConsoleUserDep,
        tenant: Annotated[str | None, Query(max_length=63)] = None,
        category: Annotated[str | None, Query(max_length=32)] = None,
        status: Literal["error", "uncertain", "pending"] | None = None,
        order_id: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        from puente.state.attention import attention_page
        from puente.web.order_links import with_order_urls

        leases = readable_leases(user)
        if tenant is not None:
            if tenant not in leases:
                raise HTTPException(404, f"no tenant {tenant!r} you may read")
            leases = {tenant: leases[tenant]}
        page = attention_page(leases, category=category, status=status, order_id=order_id, limit=limit,
                              offset=offset)
        return {"total": page.total, "offset": page.offset, "limit": page.limit, "next_offset": page.next_offset,
                "orders": with_order_urls(page.rows)}

    @router.get("/tenants/{tenant}/health")
    def health(
        tenant: TenantId, user: ConsoleUserDep,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> dict[str, Any]:
        """Per flow: the last real runs (state, counts, when, link to the Airflow run) and the last dry run."""
        from puente.factory import FLOW_BUILDERS
        from puente.state.store import StateStore
        from puente.web.ops import run_summary

        user.require_tenant(tenant)
        store = StateStore()
        flows = {}
        for flow in FLOW_BUILDERS:
            real = store.recent_reports(tenant, flow, limit=limit, dry_run=False)
            runs = [run_summary(tenant, flow, report) for report in real]
            dry = store.latest_report(tenant, flow, dry_run=True)
            flows[flow] = {"runs": runs, "last_dry_run": run_summary(tenant, flow, dry) if dry else None}
        return {"tenant": tenant, "flows": flows, "incidents": open_incidents(tenant, store)}

    @router.get("/tenants/{tenant}/skus")
    def skus(
        tenant: TenantId, user: ConsoleUserDep,
        status: Literal["linked", "source_only", "target_only", "unsupported", "conflict"] | None = None,
        channel: Annotated[str | None, Query(max_length=250)] = None,
        sku: Annotated[str | None, Query(max_length=255)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """The synced-products list: unmatched (``source_only``: only in the ERP, ``target_only``: only in
        the channel), ``unsupported`` with the reason, conflicts, or the links with how they were made."""
        from puente.state.sku_list import sku_page

        user.require_tenant(tenant)
        rows, total = sku_page(tenant, channel=channel, status=status, sku=sku, limit=limit, offset=offset)
        return {"total": total, "offset": offset, "limit": limit,
                "next_offset": offset + limit if offset + limit < total else None, "skus": rows}

    return router
