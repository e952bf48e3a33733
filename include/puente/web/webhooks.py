"""Vendor webhooks -> targeted catalog-sync runs ("sooner than hourly").

Bsale sends ``{cpnId, resource, resourceId, topic, action, send, officeId?, priceListId?}`` and
signs nothing, so each tenant's webhook URL carries a secret (the password of the Airflow
connection ``puente_webhooks``), compared in constant time. Stock and price events name a Bsale
variant id; the SKU link table turns it into a SKU so the run reads and pushes just that SKU.
The run id is derived from the event, so a re-delivered event never starts a second run.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, HTTPException, Request

CATALOG_TOPICS = {"stock", "price", "variant", "product"}
WEBHOOK_CONN_ID = "puente_webhooks"


def _expected_secret() -> str | None:
    try:
        from airflow.sdk import BaseHook

        return BaseHook.get_connection(WEBHOOK_CONN_ID).password
    except Exception:
        return None


def _skus_for_variant(tenant: str, variant_id: str) -> list[str]:
    from puente.state.store import StateStore

    return [row["sku"] for row in StateStore().links(tenant) if row["source_id"] == variant_id]


def plan_bsale_event(tenant: str, event: dict[str, Any], skus: list[str]) -> tuple[str, str, dict] | None:
    """(dag_id, run_id, conf) for a Bsale event, or None when it does not concern the catalog."""
    topic = str(event.get("topic", ""))
    if topic not in CATALOG_TOPICS:
        return None
    run_id = f"webhook__bsale__{topic}__{event.get('resourceId')}__{event.get('send')}"
    conf = {"skus": skus} if skus and topic in {"stock", "price", "variant"} else {}
    return f"{tenant}__catalog_sync", run_id, conf


def build_router(trigger=None) -> APIRouter:
    router = APIRouter(prefix="/webhooks")

    @router.post("/bsale/{tenant}")
    async def bsale_event(tenant: str, request: Request, token: str = "") -> dict[str, Any]:
        expected = _expected_secret()
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            raise HTTPException(status_code=401, detail="bad or missing webhook token")
        event = await request.json()
        skus = _skus_for_variant(tenant, str(event.get("resourceId", "")))
        planned = plan_bsale_event(tenant, event, skus)
        if planned is None:
            return {"status": "ignored", "topic": event.get("topic")}
        dag_id, run_id, conf = planned
        if trigger is None:
            from puente.web.airflow_adapter import trigger_run as run_trigger
        else:
            run_trigger = trigger
        created = run_trigger(dag_id, run_id, conf)
        return {"status": "triggered" if created else "duplicate", "dag_id": dag_id, "run_id": run_id, "conf": conf}

    return router
