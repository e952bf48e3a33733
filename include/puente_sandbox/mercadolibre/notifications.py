"""Mercado Libre notifications, as the application's callback receives them, plus ``GET /missed_feeds``.

Contract (sources in ``puente.vendors.mercadolibre.event_receiver``): one Notifications Callback
URL and a topic list per application (set in the application manager; here ``POST
/_sandbox/notifications/config``); each change of a seller's order is POSTed as ``{"_id",
"resource": "/orders/<id>", "user_id", "topic": "orders_v2", "application_id", "attempts", "sent",
"received"}`` (UTC ISO instants with milliseconds and ``Z``). Delivered means HTTP 200 within
about 500 ms (``timeout_s``); otherwise it is retried for about an hour with ``attempts`` growing
and ``sent`` the attempt's time, ``received`` and ``_id`` unchanged. The docs say "retried for a
period of one hour"; the schedule (8 retries, doubling from 15 s, about 59 minutes in all) is
(inferred) from integrator notes. After that it is missed, served by ``GET /missed_feeds?app_id=
&topic=&offset=&limit=`` (kept 2 days; the ``{"messages": [...]}`` envelope is inferred from
client code).

One sale, several notifications: an order that arrives already paid (Mercado Pago pays at once)
gives one for its creation and one for the payment; every later status change gives one more.
Nothing is signed (nothing is documented), so nothing here signs.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.common.callback_delivery import CallbackDeliverer, Delivery, DeliveryPolicy

ORDERS_TOPIC = "orders_v2"
RETRY_DELAYS_S: tuple[float, ...] = (15, 30, 60, 120, 240, 480, 960, 1620)  # ~59 min in all (inferred)
TIMEOUT_S = 0.5
MISSED_KEPT_S = 2 * 24 * 3600


def _utcnow() -> datetime:
    return datetime.now(UTC)


def meli_utc(instant: datetime) -> str:
    """``2019-10-30T16:19:20.129Z``: how notifications write times."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class MercadoLibreNotifier:
    """The application's notification settings and deliveries (one app, one seller: the sandbox's)."""

    def __init__(self, application_id: int, user_id: int, clock: Callable[[], datetime] = _utcnow) -> None:
        self.application_id, self.user_id, self.clock = application_id, user_id, clock
        self.callback_url: str | None = None
        self.topics: set[str] = {ORDERS_TOPIC}
        self.policy = DeliveryPolicy(timeout_s=TIMEOUT_S, retry_delays_s=RETRY_DELAYS_S)
        self._deliverer: CallbackDeliverer | None = None
        self._lock = threading.Lock()

    def configure(self, callback_url: str | None, topics: Sequence[str] | None = None, *,
                  timeout_s: float | None = None, retry_delays_s: Sequence[float] | None = None) -> dict[str, Any]:
        self.callback_url = callback_url or None
        if topics is not None:
            self.topics = set(topics)
        self.policy = DeliveryPolicy(
            timeout_s=self.policy.timeout_s if timeout_s is None else float(timeout_s),
            retry_delays_s=self.policy.retry_delays_s if retry_delays_s is None else tuple(map(float, retry_delays_s)),
        )
        return self.settings()

    def settings(self) -> dict[str, Any]:
        return {"callback_url": self.callback_url, "topics": sorted(self.topics),
                "timeout_s": self.policy.timeout_s, "retry_delays_s": list(self.policy.retry_delays_s)}

    def _sender(self) -> CallbackDeliverer:
        with self._lock:  # started on first use: most sandboxes never notify
            if self._deliverer is None:
                self._deliverer = CallbackDeliverer("meli-notifications")
            return self._deliverer

    def notify(self, topic: str, resource: str) -> Delivery | None:
        """Send one notification now (None when no callback is set or the app does not listen to ``topic``)."""
        if not self.callback_url or topic not in self.topics:
            return None
        received = meli_utc(self.clock())
        base = {"_id": str(uuid.uuid4()), "resource": resource, "user_id": self.user_id, "topic": topic,
                "application_id": self.application_id}

        def body_for(attempt: int) -> dict[str, Any]:
            return base | {"attempts": attempt, "sent": meli_utc(self.clock()), "received": received}

        delivery = Delivery(key=base["_id"], url=self.callback_url, body_for=body_for,
                            headers={"Content-Type": "application/json"}, policy=self.policy,
                            meta={"topic": topic, "resource": resource, "received": received})
        return self._sender().send(delivery)

    def on_order(self, kind: str, order: dict[str, Any]) -> None:
        """The store's listener: ``created`` (plus the payment, when it arrives paid) or ``changed``."""
        resource = f"/orders/{order['id']}"
        self.notify(ORDERS_TOPIC, resource)
        if kind == "created" and order.get("status") == "paid":
            self.notify(ORDERS_TOPIC, resource)

    def deliveries(self) -> list[Delivery]:
        return self._deliverer.log() if self._deliverer else []

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        return self._deliverer.wait_idle(timeout_s) if self._deliverer else True

    def missed(self, topic: str | None = None) -> list[dict[str, Any]]:
        """Notifications whose retries ran out in the last two days, oldest first (``/missed_feeds``)."""
        now = self.clock().timestamp()
        found = []
        for delivery in self.deliveries():
            received = datetime.fromisoformat(delivery.meta["received"].replace("Z", "+00:00")).timestamp()
            if delivery.state == "missed" and topic in (None, delivery.meta["topic"]) \
                    and now - received <= MISSED_KEPT_S:
                found.append(delivery.body_for(len(delivery.attempts)))
        return found

    def close(self) -> None:
        if self._deliverer is not None:
            self._deliverer.close()
