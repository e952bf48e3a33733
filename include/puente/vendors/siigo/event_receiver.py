"""Siigo product webhooks -> targeted catalog-sync runs (Siigo -> the tenant's stores, e.g. Astroselling).

Siigo Nube's API offers webhooks for products only (official Blueprint ``siigoapi.apib``, "Group
Webhooks", mirrored in jdlar1/siigo-mcp @54daf22; ../shared/vendor-apis/siigo.md §5):
``public.siigoapi.products.create``, ``.products.update`` and ``.products.stock.update``, one
subscription per topic (``POST /v1/webhooks``), each event the product's fields flat plus
``company_key``, ``username`` (the company's API user) and ``topic``. Siigo documents **no
signature and no retry policy**. So the sender proves itself as far as Siigo allows: the tenant's
own secret in the subscribed URL (``?token=``, the ``webhook_token`` of the tenant's Siigo
connection, compared in constant time; the only unforgeable part), ``username`` equal to the
connection's API user, and ``company_key`` equal to the connection's ``company_key`` when it is set
(403 otherwise, saying which). Nothing here calls Siigo.

Plan: a ``<tenant>__catalog_sync`` run with ``conf={"skus": [code]}`` (the product's ``code`` is the
SKU; the run reads just that SKU from Siigo and pushes it to every channel). Run id
``webhook__siigo__<create|update|stock>__<product id>__<minute>``, the minute of the event's own
time (``stock_updated`` for stock, ``last_updated`` for updates, ``created`` for creations; else the
receiver's clock): a re-delivery, or several changes of one product in a minute, start one run;
the catalog sync reads the current state, so the run covers them all. Events whose time is older
than ``MAX_EVENT_AGE_S`` (or too far in the future) are dropped as ``stale``: the hourly sync
covers them. A tenant whose catalog sync is disabled, or whose ERP is not Siigo, ignores them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from puente.web import webhook_auth
from puente.web.webhook_input import Dropped, Planned, Refused, json_object, parse_event, read_body

VENDOR = "siigo"
PREFIX = "public.siigoapi.products."
KINDS = {f"{PREFIX}create": "create", f"{PREFIX}update": "update", f"{PREFIX}stock.update": "stock"}
MAX_EVENT_AGE_S = 15 * 60
MAX_CLOCK_SKEW_S = 5 * 60
RUN_BUCKET_S = 60


class SiigoProductEvent(BaseModel):
    """What of a product event Puente uses; the product's other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    company_key: str = Field(min_length=1, max_length=200)
    username: str = Field(min_length=1, max_length=200)
    topic: str = Field(max_length=100, pattern=r"^[a-z][a-z0-9_.]*$")
    id: str = Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    code: str = Field(pattern=r"^[^'\s]{1,30}$")  # Siigo's own rule for a product code
    created: datetime | None = None
    last_updated: datetime | None = None
    stock_updated: datetime | None = None


def event_time(event: SiigoProductEvent, kind: str, now: float) -> float:
    when = {"stock": event.stock_updated or event.last_updated, "update": event.last_updated,
            "create": event.created}[kind]
    if when is None:
        return now
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()  # Siigo writes UTC


def event_age_problem(at: float, now: float) -> str | None:
    if now - at > MAX_EVENT_AGE_S:
        return f"changed {int(now - at)} s ago (older than {MAX_EVENT_AGE_S} s; the hourly sync covers it)"
    if at - now > MAX_CLOCK_SKEW_S:
        return f"changed {int(at - now)} s in the future (more than the {MAX_CLOCK_SKEW_S} s allowed for clock skew)"
    return None


def plan_product_event(tenant: str, event: SiigoProductEvent, kind: str, at: float) -> tuple[str, str, dict]:
    """(dag_id, run_id, conf); the run id holds only a validated GUID, a kind and a minute."""
    minute = int(at) // RUN_BUCKET_S * RUN_BUCKET_S
    run_id = f"webhook__{VENDOR}__{kind}__{event.id.lower()}__{minute}"
    return f"{tenant}__catalog_sync", run_id, {"skus": [event.code]}


def _expected_identity(conn_id: str) -> tuple[str | None, str | None]:
    """(API user, company_key) as the connection names them."""
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
    except Exception:
        return None, None
    company = (conn.extra_dejson or {}).get("company_key")
    return (str(conn.login or "").strip() or None), (str(company).strip() if company else None)


def check_identity(conn_id: str, event: SiigoProductEvent) -> None:
    username, company_key = _expected_identity(conn_id)
    if not username or not hmac.compare_digest(event.username.strip().lower().encode(), username.lower().encode()):
        raise Refused(403, "username is not this tenant's Siigo API user")
    if company_key and not hmac.compare_digest(event.company_key.encode(), company_key.encode()):
        raise Refused(403, "company_key is not this tenant's Siigo company")


class SiigoEventReceiver:
    """A Siigo product event for one tenant: its secret, body, API user and company, age, then the run."""

    async def receive(self, config: Any, request: Any, now: float,
                      skus_for_source: Callable[[str], list[str]]) -> Planned | Dropped:
        conn_id = webhook_auth.source_connection(config, VENDOR)
        webhook_auth.check_token(conn_id, VENDOR, request.query_params.get("token", ""))
        event = parse_event(SiigoProductEvent, json_object(await read_body(request)))
        check_identity(conn_id, event)
        kind = KINDS.get(event.topic)
        if kind is None:
            return Dropped("ignored", f"topic {event.topic} does not concern the catalog", topic=event.topic)
        if config.erp.vendor != VENDOR or not config.flows.catalog_sync.enabled:
            return Dropped("ignored", "the tenant's catalog sync does not read Siigo", topic=event.topic)
        at = event_time(event, kind, now)
        if stale := event_age_problem(at, now):
            return Dropped("stale", stale, topic=event.topic)
        return Planned(*plan_product_event(config.tenant, event, kind, at))
