"""Operations view: per tenant, the last run of each flow, its counts and failures, and broken files.

Read-only and secret-free (reports hold SKUs, counts and vendor messages, never credentials).
Behind Airflow's login (``console_auth``): a user sees the tenants whose DAGs they may read, and
the broken files whose placeholder DAG they may read.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from starlette.responses import HTMLResponse

from puente.web.console_auth import ConsoleUser, ConsoleUserDep, console_user


def run_link(tenant: str, flow: str, run_id: str) -> str:
    """The run's page in Airflow's UI (its tasks and logs are one click further)."""
    return f"/dags/{quote(f'{tenant}__{flow}', safe='')}/runs/{quote(run_id, safe='')}"


def run_summary(tenant: str, flow: str, report: dict[str, Any]) -> dict[str, Any]:
    """A report as the console shows it; a dry run's link goes to the preview DAG, where dry runs live."""
    from puente.task_ids import PREVIEW

    dag_flow = PREVIEW if report["dry_run"] else flow
    return {"run_id": report["run_id"], "status": report["status"], "dry_run": report["dry_run"],
            "counts": report["counts"], "finished_at": report["finished_at"].isoformat(),
            "link": run_link(tenant, dag_flow, report["run_id"])}


def overview(user: ConsoleUser) -> dict[str, Any]:
    from puente.config.loader import error_key, load_tenants
    from puente.factory import CONFIG_ERROR_PREFIX, FLOW_BUILDERS
    from puente.state.store import StateStore

    loaded = load_tenants()
    store = StateStore()
    tenants = {}
    for tenant in sorted(t for t in loaded.tenants if user.can_read_tenant(t)):
        flows = {}
        for flow in FLOW_BUILDERS:
            report = store.latest_report(tenant, flow, dry_run=False)  # a dry run never hides a real failure
            if report:
                flows[flow] = run_summary(tenant, flow, report) | {"details": report["details"]}
        tenants[tenant] = flows
    errors = [{"file": e.path.name, "errors": [f"{f.field}: {f.reason}" for f in e.errors]} for e in loaded.errors
              if user.can_read([f"{CONFIG_ERROR_PREFIX}{error_key(e.path)}"])]
    return {"tenants": tenants, "config_errors": errors}


def render(data: dict[str, Any]) -> str:
    esc = html.escape
    parts = ["<html><head><title>Puente operations</title></head><body style='font-family:sans-serif'>",
             "<h1>Puente operations</h1>"]
    for error in data["config_errors"]:
        parts.append(f"<p style='color:#a00'><b>{esc(error['file'])}</b>: {esc('; '.join(error['errors']))}</p>")
    parts.append("<table border=1 cellpadding=4><tr><th>tenant</th><th>flow</th><th>status</th>"
                 "<th>run</th><th>counts</th><th>failures</th></tr>")
    for tenant, flows in data["tenants"].items():
        if not flows:
            parts.append(f"<tr><td>{esc(tenant)}</td><td colspan=5>no runs yet</td></tr>")
        for flow, report in flows.items():
            counts = ", ".join(f"{k}={v}" for k, v in report["counts"].items())
            failures = "<br>".join(esc(str(f)) for f in report["details"].get("failures", [])[:20])
            parts.append(f"<tr><td>{esc(tenant)}</td><td>{esc(flow)}</td><td>{esc(report['status'])}</td>"
                         f"<td>{esc(report['run_id'])}</td><td>{esc(counts)}</td><td>{failures}</td></tr>")
    parts.append("</table></body></html>")
    return "".join(parts)


def build_router() -> APIRouter:
    """Every route of this router needs a logged-in Airflow user (``console_user``)."""
    router = APIRouter(dependencies=[Depends(console_user)])

    @router.get("/ops.json")
    def ops_json(user: ConsoleUserDep) -> dict[str, Any]:
        return overview(user)

    @router.get("/ops", response_class=HTMLResponse)
    def ops_page(user: ConsoleUserDep) -> str:
        return render(overview(user))

    return router
