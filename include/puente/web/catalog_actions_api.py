"""Console catalog actions on one tenant: import the products a channel lacks, preview a sync,
start a full resync. Same rights, outcomes and action log as ``actions_api`` (edit access to the
tenant's DAGs, else 403; refusals 409 with one line; an unreachable vendor 502; a bad body 422).

Responses (``{"result": ..., "actor": "airflow:<user>"}``; ``result`` below):

``POST /puente/api/tenants/<t>/catalog/import`` ``{channel, skus?: [..]}`` -> ``{channel, ok,
summary, counts: {status: n}, error, outcomes: [first 100 lines], outcomes_total}``: what
``puente catalog import`` does (:func:`puente.catalog_import.import_missing`), each product once.

``POST .../catalog/preview`` ``{channel?, skus?, full_resync?}`` -> ``{channels: [{channel, counts,
changes_total, changes: [first 50 writes: sku, stock/price...], unmatched_source, unmatched_target,
conflicts, reservation_error}]}``: the catalog task's planning, nothing written (no vendor write, no
sync state, no run, no report). Without ``channel``: every catalog channel of the tenant.

``POST .../catalog/resync`` ``{reason?}`` -> ``{dag_id, run_id, conf: {full_resync: true}, created}``:
a run of ``<t>__catalog_sync`` through Airflow's trigger (the webhooks' path). A paused DAG is
refused (409 "... is paused ..."), never unpaused: unpausing is a person's decision in Airflow.

Vendor calls of a request end within ``VENDOR_SECONDS`` (:mod:`puente.hooks.deadline`): a vendor
that does not answer is a 502 in seconds, not after the task's minutes of retries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from puente.web.actions_api import Body, Sku, Text, _run
from puente.web.console_auth import ConsoleUserDep, TenantId, console_user

VENDOR_SECONDS = {"preview": 20.0, "import": 60.0}
MAX_OUTCOMES = 100
Skus = Annotated[list[Sku], Field(min_length=1, max_length=500)]


class ImportRequest(Body):
    channel: Sku
    skus: Skus | None = None


class PreviewRequest(Body):
    channel: Sku | None = None
    skus: Skus | None = None
    full_resync: bool = False


class ResyncRequest(Body):
    reason: Text | None = None


def _refused(message: str) -> Exception:
    from puente.order_decisions import DecisionRefused

    return DecisionRefused(message)


def _import(config: Any, body: ImportRequest, actor: str) -> dict[str, Any]:
    from puente.catalog_import import import_missing
    from puente.hooks import deadline
    from puente.operators.runtime import share_rate_limits

    share_rate_limits()  # the console spends the same vendor budget as the tasks
    try:
        with deadline.within(VENDOR_SECONDS["import"]):
            report = import_missing(config, body.channel, set(body.skus) if body.skus else None, False, actor)
    except LookupError as exc:  # no such channel, or one that cannot create products
        raise _refused(str(exc)) from exc
    return {"channel": report.channel, "ok": report.ok, "summary": report.summary(), "counts": report.counts,
            "error": report.error, "outcomes_total": len(report.outcomes),
            "outcomes": [outcome.line() for outcome in report.outcomes[:MAX_OUTCOMES]]}


def _preview(config: Any, body: PreviewRequest) -> dict[str, Any]:
    from puente.catalog_links import catalog_channel
    from puente.catalog_preview import preview_channel
    from puente.connectors import registry
    from puente.hooks import deadline
    from puente.operators.runtime import share_rate_limits

    share_rate_limits()
    if body.channel is not None:
        channels = [catalog_channel(config, body.channel)]
    else:
        channels = [c for c in config.channels if c.vendor in registry.catalog_target_vendors()]
        if not channels:
            raise _refused(f"{config.tenant} has no catalog channel")
    with deadline.within(VENDOR_SECONDS["preview"]):
        return {"channels": [preview_channel(config, channel, skus=body.skus, full_resync=body.full_resync)
                             for channel in channels]}


def _resync(config: Any, user_name: str, trigger: Callable[[str, str, dict], bool] | None) -> dict[str, Any]:
    from puente.web import airflow_adapter
    from puente.web.webhook_input import Refused

    if not config.flows.catalog_sync.enabled:
        raise _refused(f"{config.tenant}: the catalog_sync flow is off in its tenant file")
    dag_id = f"{config.tenant}__catalog_sync"
    paused = airflow_adapter.dag_paused(dag_id)
    if paused is None:
        raise _refused(f"Airflow does not know {dag_id} yet (not parsed yet?): try again in a minute")
    if paused:
        raise _refused(f"{dag_id} is paused: unpause it in Airflow first (a full resync never unpauses it)")
    run_id = f"console__full_resync__{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    conf = {"full_resync": True}
    try:
        created = (trigger or airflow_adapter.trigger_run)(dag_id, run_id, conf)
    except Refused as exc:
        raise _refused(exc.reason) from exc
    return {"dag_id": dag_id, "run_id": run_id, "conf": conf, "created": created, "requested_by": user_name}


def build_router(trigger: Callable[[str, str, dict], bool] | None = None) -> APIRouter:
    """``trigger`` is for tests (as in ``app.create_app``): by default runs go to Airflow."""
    router = APIRouter(prefix="/api/tenants/{tenant}/catalog", dependencies=[Depends(console_user)])

    @router.post("/import")
    def import_products(tenant: TenantId, body: ImportRequest, user: ConsoleUserDep) -> dict[str, Any]:
        return _run(tenant, "catalog_import", body.channel, user, body,
                    lambda config, actor: _import(config, body, actor))

    @router.post("/preview")
    def preview(tenant: TenantId, body: PreviewRequest, user: ConsoleUserDep) -> dict[str, Any]:
        return _run(tenant, "catalog_preview", body.channel or "*", user, body,
                    lambda config, actor: _preview(config, body))

    @router.post("/resync")
    def resync(tenant: TenantId, body: ResyncRequest, user: ConsoleUserDep) -> dict[str, Any]:
        return _run(tenant, "catalog_resync", f"{tenant}__catalog_sync", user, body,
                    lambda config, actor: _resync(config, actor, trigger))

    return router
