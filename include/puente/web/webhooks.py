"""Vendor webhooks -> targeted catalog-sync runs ("sooner than hourly").

Order of checks, each a 4xx with a one-line reason, logged, nothing triggered: the tenant exists
and is valid (404/409), it has a source of that vendor (404), the request carries that source's
own secret (403 when none is set, 401 when wrong), the body is bounded (413), JSON (400), an
object of the vendor's shape (422) and fresh (dropped as a replay, 200 ``stale``). Only then is
a run planned (bsale_events.py); its id comes from the event, so a re-delivery never starts a
second run, and a DAG the api-server does not know yet is a 404, not a 500.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from puente.web import webhook_auth
from puente.web.bsale_events import BsaleEvent, event_age_problem, plan_bsale_event
from puente.web.webhook_input import Refused, json_object, log, log_refusal, parse_event, read_body


def _skus_for_variant(tenant: str, variant_id: str) -> list[str]:
    from puente.state.store import StateStore

    return [row["sku"] for row in StateStore().links(tenant) if row["source_id"] == variant_id]


def _default_trigger(dag_id: str, run_id: str, conf: dict) -> bool:
    from puente.web.airflow_adapter import trigger_run

    return trigger_run(dag_id, run_id, conf)


def build_router(trigger: Callable[[str, str, dict], bool] | None = None,
                 clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(prefix="/webhooks")
    run_trigger = trigger or _default_trigger

    async def bsale(tenant: str, request: Request) -> dict[str, Any]:
        config = webhook_auth.tenant_config(tenant)
        conn_id = webhook_auth.source_connection(config, "bsale")
        webhook_auth.check_token(conn_id, "bsale", request.query_params.get("token", ""))
        event = parse_event(BsaleEvent, json_object(await read_body(request)))
        if stale := event_age_problem(event, clock()):
            log.info("webhook bsale/%s dropped: %s", tenant, stale)
            return {"status": "stale", "reason": stale}
        planned = plan_bsale_event(tenant, event, _skus_for_variant(tenant, event.resourceId))
        if planned is None:
            return {"status": "ignored", "topic": event.topic}
        dag_id, run_id, conf = planned
        created = run_trigger(dag_id, run_id, conf)
        return {"status": "triggered" if created else "duplicate", "dag_id": dag_id, "run_id": run_id, "conf": conf}

    @router.post("/bsale/{tenant}")
    async def bsale_event(tenant: str, request: Request) -> Any:
        try:
            return await bsale(tenant, request)
        except Refused as refused:
            log_refusal("bsale", tenant, refused)
            return JSONResponse({"detail": refused.reason}, status_code=refused.status)

    return router
