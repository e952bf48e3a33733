"""Vendor webhooks -> targeted runs ("sooner than hourly"), for every plug-in with an ``event_receiver``.

``POST /webhooks/<vendor>/<tenant>``. Order of checks, each a 4xx with a one-line reason, logged,
nothing triggered: the vendor has a receiver (404), the tenant exists and is valid (404/409); then
the vendor's receiver checks the sender (its own secret or signature), the body (bounded 413, JSON
400, the vendor's shape 422) and freshness (dropped as a replay, 200 ``stale``), and plans the run.
Its id comes from the event, so a re-delivery never starts a second run, and a DAG the api-server
does not know yet is a 404, not a 500.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from puente.web import webhook_auth
from puente.web.webhook_input import Dropped, Refused, log, log_refusal


def _skus_for_source(tenant: str) -> Callable[[str], list[str]]:
    """The linked SKUs of a source product/variant id (a stock event names the ERP's id)."""

    def skus(source_id: str) -> list[str]:
        from puente.state.store import StateStore

        return [row["sku"] for row in StateStore().links(tenant) if row["source_id"] == source_id]

    return skus


def _default_trigger(dag_id: str, run_id: str, conf: dict) -> bool:
    from puente.web.airflow_adapter import trigger_run

    return trigger_run(dag_id, run_id, conf)


def _note_event(tenant: str, vendor: str, at: float, outcome: str, topic: str | None) -> None:
    """Keep the time of the source's last authentic event (the console's staleness); never fails the vendor."""
    from datetime import UTC, datetime

    from puente.state.source_events import SourceEvents

    try:
        SourceEvents().record(tenant, vendor, datetime.fromtimestamp(at, UTC), outcome, topic)
    except Exception:  # the state DB is down: the event itself was still handled
        log.warning("webhook %s/%s: its time could not be recorded", vendor, tenant, exc_info=True)


def _receiver(vendor: str) -> Any:
    from puente.connectors import registry

    try:
        return registry.connector_class("event_receiver", vendor)()
    except LookupError:
        raise Refused(404, "no webhooks for this vendor") from None


def build_router(trigger: Callable[[str, str, dict], bool] | None = None,
                 clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(prefix="/webhooks")
    run_trigger = trigger or _default_trigger

    async def receive(vendor: str, tenant: str, request: Request) -> dict[str, Any]:
        receiver = _receiver(vendor)
        config = webhook_auth.tenant_config(tenant)
        now = clock()
        outcome = await receiver.receive(config, request, now, _skus_for_source(tenant))
        if isinstance(outcome, Dropped):
            log.info("webhook %s/%s dropped: %s", vendor, tenant, outcome.reason)
            if outcome.status != "stale":  # a replay says nothing about the source being alive now
                _note_event(tenant, vendor, now, outcome.status, outcome.topic)
            answer = {"status": outcome.status, "reason": outcome.reason}
            return answer | ({"topic": outcome.topic} if outcome.topic else {})
        created = run_trigger(outcome.dag_id, outcome.run_id, outcome.conf)
        _note_event(tenant, vendor, now, "triggered" if created else "duplicate", getattr(outcome, "topic", None))
        return {"status": "triggered" if created else "duplicate", "dag_id": outcome.dag_id,
                "run_id": outcome.run_id, "conf": outcome.conf}

    @router.post("/{vendor}/{tenant}")
    async def vendor_event(vendor: str, tenant: str, request: Request) -> Any:
        try:
            return await receive(vendor, tenant, request)
        except Refused as refused:
            log_refusal(vendor, tenant, refused)
            return JSONResponse({"detail": refused.reason}, status_code=refused.status)

    return router
