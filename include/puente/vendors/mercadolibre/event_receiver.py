"""Mercado Libre notifications -> targeted invoicing runs: who may send, the thin payload, the run id.

What Mercado Libre documents (developers.mercadolibre.com.ar/devsite/receive-notifications,
developers.mercadolibre.cl/productos-recibe-notificaciones, read 2026-12):

* One **Notifications Callback URL per application**, set in the application manager (DevCenter >
  your application > "Callback URL de notificaciones") with the topics it listens to; Mercado
  Libre POSTs JSON there for every seller who authorised the app. Times are UTC.
* ``orders_v2`` notifies "the creation and changes" of the seller's confirmed sales (the
  recommended orders topic), so **one sale gives several notifications** (created, paid, shipping
  and feedback changes...), each a thin pointer: ``{"_id", "resource": "/orders/<id>", "user_id",
  "topic", "application_id", "attempts", "sent", "received"}`` (field list in the docs' examples
  and in public integrations' test payloads, e.g. ``"sent":"2019-10-30T16:19:20.129Z",
  "received":"2019-10-30T16:19:20.106Z"``). The receiver must GET the resource for the details.
* The receiver answers 200 fast (../shared/vendor-apis/mercadolibre.md: within about 500 ms, or
  Mercado Libre counts it undelivered); undelivered notifications are retried "for a period of one
  hour" (oldsite.developers.mercadolibre.com/notifications, "Considerations") with ``attempts``
  growing, then kept 2 days in ``GET /missed_feeds`` (integrator notes). Public integrators
  report the topic being switched off after repeated slow answers (inferred, not in the docs).
* **Nothing is signed**: no signature header and no shared secret is documented, and public
  integrations authenticate with a secret in the callback URL plus the ``user_id`` check (a
  published IP list exists but changes without notice).

So the sender proves itself, as far as Mercado Libre allows, three ways: the tenant's own secret in
the callback URL (``?token=``, the ``webhook_token`` of the tenant's Mercado Libre connection,
compared in constant time by ``puente.web.webhook_auth``; that is the only unforgeable part),
``application_id`` equal to the connection's Client ID and ``user_id`` equal to its ``seller_id``
(a notification for another app or seller is refused 403, and says which). Because the seller id
is compared without calling Mercado Libre, the connection must name ``seller_id`` to receive
notifications. The callback URL being per application, a tenant's URL is the one its own app sets
(one app per merchant in Puente's model; several tenants on one app would need a fan-out, not done:
another seller's notifications would be refused 403, and Mercado Libre retries a refusal for an hour).

The plan is a ``Planned`` ``<tenant>__invoicing`` run with ``conf={"order_ids": [id], "channel":
<conn_id>}`` (the channel because each channel of the tenant has its own collect task, and another
channel does not know a Mercado Libre order id). Nothing here calls Mercado Libre: the run reads
the order (``GET /orders/{id}``) and invoices it only if it is eligible (status in the account's
``order_statuses``, Full orders per the option), exactly-once through the ledger, so a notification
for an order not paid yet plans a run that simply invoices nothing. Other topics are ``Dropped("ignored")``.

Dedupe rule (the run id): ``webhook__mercadolibre__orders_v2__<order id>__<received, floored to
the minute>``. A retry keeps the original ``received`` (it is when Mercado Libre produced the
notification; ``sent`` is the attempt), so every retry of a notification, even an hour later, maps
to its first delivery's run; the several notifications one sale produces within the same minute
share one run. A later change (paid ten minutes after creation) is a new minute and a new run,
which is what invoices it. Known gap: a payment notified in the same minute as the creation, but
after that run already read the order, waits for the next run (the hourly run's lookback, or the
durable inbox's drain). ``received`` (else ``sent``) older than ``MAX_EVENT_AGE_S`` (two hours:
past Mercado Libre's hour of retries) or too far in the future is dropped as ``stale``.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from puente.web import webhook_auth
from puente.web.webhook_input import Dropped, Planned, Refused, json_object, parse_event, read_body

VENDOR = "mercadolibre"
ORDERS_TOPIC = "orders_v2"
ORDER_RESOURCE = re.compile(r"^/orders/([0-9]{1,20})$")
MAX_EVENT_AGE_S = 2 * 60 * 60
MAX_CLOCK_SKEW_S = 5 * 60
RUN_BUCKET_S = 60


def _digits(value: Any) -> Any:
    """Mercado Libre sends ids as JSON numbers; digit strings are accepted, booleans are not ids."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


MeliId = Annotated[int, BeforeValidator(_digits), Field(strict=True, ge=1, lt=10**20)]


class MercadoLibreNotification(BaseModel):
    """What of a notification Puente uses; unknown keys are ignored (Mercado Libre adds some, e.g. ``actions``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    notification_id: str | None = Field(default=None, alias="_id", max_length=100)
    resource: str = Field(max_length=300)
    user_id: MeliId
    topic: str = Field(max_length=60, pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
    application_id: MeliId
    attempts: int = Field(default=1, ge=0, le=10_000, strict=True)
    sent: datetime | None = None
    received: datetime | None = None


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)  # "notifications have UTC time zone"


def produced_at(event: MercadoLibreNotification, now: float) -> float:
    """When Mercado Libre produced the notification (``received``; else ``sent``; else now), Unix seconds."""
    when = event.received or event.sent
    return _utc(when).timestamp() if when is not None else now


def event_age_problem(event: MercadoLibreNotification, now: float) -> str | None:
    age = now - produced_at(event, now)
    if age > MAX_EVENT_AGE_S:
        return (f"produced {int(age)} s ago (older than {MAX_EVENT_AGE_S} s: past Mercado Libre's hour of "
                "retries; the hourly invoicing run covers it)")
    if age < -MAX_CLOCK_SKEW_S:
        return f"produced {int(-age)} s in the future (more than the {MAX_CLOCK_SKEW_S} s allowed for clock skew)"
    return None


def order_id_of(event: MercadoLibreNotification) -> str:
    """The order id of an ``orders_v2`` notification's ``resource``; 422 for anything but ``/orders/<id>``."""
    match = ORDER_RESOURCE.match(event.resource)
    if match is None:
        raise Refused(422, f"resource: expected /orders/<digits> for topic {ORDERS_TOPIC}")
    return match.group(1)


def plan_order_notification(tenant: str, conn_id: str, order_id: str, produced: float) -> tuple[str, str, dict]:
    """(dag_id, run_id, conf) for an order notification (the dedupe rule is in the module docstring).

    ``conf`` names the channel too: the invoicing DAG has a collect task per channel, and another
    channel of the tenant (Astroselling, Jumpseller) does not know a Mercado Libre order id."""
    minute = int(produced) // RUN_BUCKET_S * RUN_BUCKET_S
    run_id = f"webhook__{VENDOR}__{ORDERS_TOPIC}__{order_id}__{minute}"
    return f"{tenant}__invoicing", run_id, {"order_ids": [order_id], "channel": conn_id}


def _connection(conn_id: str) -> Any:
    try:
        from airflow.sdk import BaseHook

        return BaseHook.get_connection(conn_id)
    except Exception:  # missing or unreadable: this channel has no webhook
        return None


def _expected_identity(conn_id: str) -> tuple[str | None, str | None]:
    """(Client ID, seller id) as the connection names them, as digit strings."""
    conn = _connection(conn_id)
    if conn is None:
        return None, None
    seller = (conn.extra_dejson or {}).get("seller_id")
    app = str(conn.login or "").strip() or None
    return app, (str(seller).strip() if seller not in (None, "") else None)


def check_identity(conn_id: str, event: MercadoLibreNotification) -> None:
    """``application_id`` and ``user_id`` must be the connection's app and seller (403 otherwise)."""
    app, seller = _expected_identity(conn_id)
    if not seller:
        raise Refused(403, f"set the 'seller_id' of connection {conn_id} to receive Mercado Libre notifications "
                           "(the seller is checked without calling Mercado Libre)")
    if not app or not hmac.compare_digest(str(event.application_id).encode(), app.encode()):
        raise Refused(403, "application_id is not this tenant's Mercado Libre application (Client ID)")
    if str(event.user_id) != seller:
        raise Refused(403, "user_id is not this tenant's Mercado Libre seller")


def _channels(config: Any) -> list[str]:
    found = [channel.conn_id for channel in config.channels if channel.vendor == VENDOR]
    if not found:
        raise Refused(404, f"tenant {config.tenant} has no {VENDOR} source")
    return found


def _channel_for_token(config: Any, given: str) -> str:
    """The tenant's Mercado Libre channel whose ``webhook_token`` is ``given`` (401/403 as Bsale's)."""
    channels = _channels(config)
    refusal: Refused | None = None
    for conn_id in channels:
        try:
            webhook_auth.check_token(conn_id, VENDOR, given)
            return conn_id
        except Refused as refused:
            refusal = refused if refusal is None or refused.status == 401 else refusal
    assert refusal is not None
    raise refusal


class MercadoLibreEventReceiver:
    """A Mercado Libre notification for one tenant: its secret, body, app and seller, age, then the run."""

    async def receive(self, config: Any, request: Any, now: float,
                      skus_for_source: Callable[[str], list[str]]) -> Planned | Dropped:
        conn_id = _channel_for_token(config, request.query_params.get("token", ""))
        event = parse_event(MercadoLibreNotification, json_object(await read_body(request)))
        check_identity(conn_id, event)
        if event.topic != ORDERS_TOPIC:
            return Dropped("ignored", f"topic {event.topic} does not concern invoicing", topic=event.topic)
        order_id = order_id_of(event)
        if not config.flows.invoicing.enabled:
            return Dropped("ignored", "the tenant's invoicing flow is disabled", topic=event.topic)
        if stale := event_age_problem(event, now):
            return Dropped("stale", stale, topic=event.topic)
        return Planned(*plan_order_notification(config.tenant, conn_id, order_id, produced_at(event, now)))
