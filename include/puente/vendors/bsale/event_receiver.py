"""Bsale notifications -> targeted catalog-sync runs: who may send, the event's shape, age and run id.

Bsale POSTs ``{cpnId, resource, resourceId, topic, action, send, [officeId], [priceListId]}``
(``send`` in Unix seconds) and signs nothing (../shared/vendor-apis/bsale.md, Webhooks), so the
sender proves itself with the tenant's own secret in the URL Bsale's support registers
(``?token=``, the ``webhook_token`` of the tenant's Bsale connection: ``puente.web.webhook_auth``).
:class:`BsaleEventReceiver` is the plug-in's ``event_receiver``; Puente's webhook route
(``puente.web.webhooks``) hands it the request once the tenant is known and valid.

Replays: an event whose ``send`` is older than ``MAX_EVENT_AGE_S`` (or too far in the future) is
dropped, and the run id takes ``send`` to the minute, so re-sending a captured event with another
``send`` starts at most one run per resource and minute, and none once it is old. The catalog sync
reads the current state from Bsale, so a dropped late event loses nothing the next run (hourly,
or the next event) does not push.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from puente.web import webhook_auth
from puente.web.webhook_input import Dropped, Planned, json_object, parse_event, read_body

CATALOG_TOPICS = frozenset({"stock", "price", "variant", "product"})
SKU_TOPICS = frozenset({"stock", "price", "variant"})  # their resourceId is a variant id
MAX_EVENT_AGE_S = 15 * 60
MAX_CLOCK_SKEW_S = 5 * 60
RUN_BUCKET_S = 60


def _digits(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


BsaleId = Annotated[str, BeforeValidator(_digits), Field(pattern=r"^[0-9]{1,18}$")]


class BsaleEvent(BaseModel):
    """What of a notification Puente uses; unknown keys are ignored (Bsale may add some)."""

    model_config = ConfigDict(extra="ignore")

    cpnId: int = Field(ge=0, lt=10**12)
    resource: str = Field(default="", max_length=500)
    resourceId: BsaleId
    topic: str = Field(max_length=40, pattern=r"^[a-z]+(_[a-z]+)*$")  # no "__": it separates run-id parts
    action: str = Field(default="", max_length=20)
    send: int = Field(ge=0, lt=10**11, description="Unix seconds when Bsale sent the event")
    officeId: BsaleId | None = None
    priceListId: BsaleId | None = None


def event_age_problem(event: BsaleEvent, now: float) -> str | None:
    """Why an event is too old or too new to act on (None when it is fresh)."""
    age = now - event.send
    if age > MAX_EVENT_AGE_S:
        return (f"sent {int(age)} s ago (events older than {MAX_EVENT_AGE_S} s are replays or late; "
                "the next sync covers them)")
    if age < -MAX_CLOCK_SKEW_S:
        return f"sent {int(-age)} s in the future (more than the {MAX_CLOCK_SKEW_S} s allowed for clock skew)"
    return None


def plan_bsale_event(tenant: str, event: BsaleEvent, skus: list[str]) -> tuple[str, str, dict] | None:
    """(dag_id, run_id, conf) for a Bsale event, or None when it does not concern the catalog.

    The run id holds only validated characters (a topic of letters, digit ids, a minute), so it is
    always a valid Airflow run id, well under its 250 characters.
    """
    if event.topic not in CATALOG_TOPICS:
        return None
    minute = event.send // RUN_BUCKET_S * RUN_BUCKET_S
    run_id = f"webhook__bsale__{event.topic}__{event.resourceId}__{minute}"
    conf = {"skus": skus} if skus and event.topic in SKU_TOPICS else {}
    return f"{tenant}__catalog_sync", run_id, conf


class BsaleEventReceiver:
    """A Bsale notification for one tenant: its secret, its body, its age, then the run it asks for."""

    async def receive(self, config: Any, request: Any, now: float,
                      skus_for_source: Callable[[str], list[str]]) -> Planned | Dropped:
        conn_id = webhook_auth.source_connection(config, "bsale")
        webhook_auth.check_token(conn_id, "bsale", request.query_params.get("token", ""))
        event = parse_event(BsaleEvent, json_object(await read_body(request)))
        if stale := event_age_problem(event, now):
            return Dropped("stale", stale)
        planned = plan_bsale_event(config.tenant, event, skus_for_source(event.resourceId))
        if planned is None:
            return Dropped("ignored", f"topic {event.topic} does not concern the catalog", topic=event.topic)
        return Planned(*planned)
