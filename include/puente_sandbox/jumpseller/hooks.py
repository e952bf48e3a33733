"""A Jumpseller store's webhooks: the registered hooks, and the signed deliveries made over real HTTP.

Contract (https://jumpseller.com/support/webhooks/ and its mirrors, ../shared/vendor-apis/jumpseller.md):

* Each hook has one ``event`` (the OpenAPI's ``HookEditFields.event`` enum) and one ``url``; a
  store change POSTs the resource's API JSON (``{"order": {...}}``, ``{"product": {...}}``) to every
  hook of that event: an order stored or changed is ``order_updated`` plus ``order_<status>`` when
  its status changed; a product or variant edit (API or merchant) is ``product_updated``, plus
  ``product_stock_updated`` when a stock moved; units an order takes or gives back are
  ``product_stock_updated`` (inferred: "whenever a product stock update is detected").
* Headers: ``Content-Type: application/json``, ``Jumpseller-Event`` (the event name: the co.uk
  support page, "Event identifiers (sent in Jumpseller-Event header)"), ``Jumpseller-Store-Code``
  (the store's code) and ``Jumpseller-Hmac-Sha256`` = base64(HMAC-SHA256(body, store hooks token));
  the last two are inferred from independent public client code (no Jumpseller page names them).
* Any answer but a 2xx (or none within the timeout) fails the attempt. Jumpseller "will retry
  delivery other 9 times over more than 4 days (N^4 where N is the retry attempt number, p.e. the
  third retry is scheduled in 3 * 3 * 3 * 3 = 81 mins and then the fourth in 256mins)", and "after
  10 failed attempts to deliver a message we delete the problematic Webhook permanently". So retry
  N waits N^4 minutes after the failure before it, and a delivery's 10th failure deletes its hook
  (its other pending deliveries then stop). ``minute_s`` scales the minute so tests stay fast.
* The delivery timeout is not published. A third-party integration plan reads "2xx expected within
  15s"; the sandbox uses 15 s (``timeout_s``, inferred).

Deliveries run as tasks on the app's event loop (a change made outside a request is recorded as
``pending`` and sent when a request next runs ``kick``); every attempt is kept for ``/_sandbox/hooks``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

HOOK_EVENTS = (
    "order_updated", "order_pending_payment", "order_paid", "order_shipped", "order_canceled",
    "order_abandoned", "product_created", "product_updated", "product_deleted", "product_stock_updated",
    "customer_created", "customer_updated", "customer_deleted",
)
STATUS_EVENTS = {"pending_payment": "order_pending_payment", "paid": "order_paid", "canceled": "order_canceled",
                 "abandoned": "order_abandoned"}
MAX_ATTEMPTS = 10  # the first delivery and 9 retries


@dataclass
class DeliverySettings:
    timeout_s: float = 15.0
    minute_s: float = 60.0  # one backoff "minute" in real seconds (tests: e.g. 0.001)
    max_attempts: int = MAX_ATTEMPTS

    def retry_delay(self, retry: int) -> float:
        """Seconds before retry number ``retry`` (1-based): N^4 minutes."""
        return retry**4 * self.minute_s


@dataclass
class Delivery:
    id: int
    hook_id: int
    event: str
    url: str
    body: bytes
    headers: dict[str, str]
    state: str = "pending"  # pending | delivered | failed | hook_deleted
    attempts: list[dict[str, Any]] = field(default_factory=list)
    next_attempt_in_s: float | None = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "hook_id": self.hook_id, "event": self.event, "url": self.url,
                "state": self.state, "attempts": self.attempts, "next_attempt_in_s": self.next_attempt_in_s,
                "headers": self.headers, "body": json.loads(self.body)}


def signature(body: bytes, hooks_token: str) -> str:
    return base64.b64encode(hmac.new(hooks_token.encode(), body, hashlib.sha256).digest()).decode()


class StoreHooks:
    """The hooks of one store and their deliveries; the app's event loop is the only user."""

    def __init__(self, info: dict[str, Any], settings: DeliverySettings | None = None) -> None:
        self.info = info  # the store's /store/info.json: its ``code`` and ``hooks_token``
        self.settings = settings or DeliverySettings()
        self.hooks: dict[int, dict[str, Any]] = {}
        self.removed: list[dict[str, Any]] = []  # hooks deleted after failed deliveries, with the reason
        self.deliveries: list[Delivery] = []
        self._last_id = 0
        self._tasks: set[asyncio.Task] = set()

    # --- hooks (the /v1/hooks routes) --------------------------------------------------------
    def add(self, event: str, url: str) -> dict[str, Any]:
        self._last_id += 1
        hook = {"id": self._last_id, "name": event.replace("_", " ").title(), "event": event, "url": url,
                "created_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        self.hooks[hook["id"]] = hook
        return hook

    def update(self, hook_id: int, event: str, url: str) -> dict[str, Any]:
        self.hooks[hook_id].update(event=event, url=url)
        return self.hooks[hook_id]

    def delete(self, hook_id: int) -> None:
        self.hooks.pop(hook_id, None)

    # --- events --------------------------------------------------------------------------------
    def emit(self, event: str, resource: dict[str, Any]) -> list[Delivery]:
        """One delivery per hook of ``event``, signed with the store's hooks token, sent at once."""
        body = json.dumps(resource, separators=(",", ":")).encode()
        made = []
        for hook in list(self.hooks.values()):
            if hook["event"] != event:
                continue
            headers = {"Content-Type": "application/json", "Jumpseller-Event": event,
                       "Jumpseller-Store-Code": str(self.info["code"]),
                       "Jumpseller-Hmac-Sha256": signature(body, str(self.info["hooks_token"]))}
            delivery = Delivery(len(self.deliveries) + 1, hook["id"], event, hook["url"], body, headers)
            self.deliveries.append(delivery)
            made.append(delivery)
        self.kick()
        return made

    def order_changed(self, order: dict[str, Any], old_status: str | None) -> None:
        """An order stored or changed: ``order_updated``, plus the event of the status it entered."""
        status = order["order"].get("status_enum")
        if status != old_status and status in STATUS_EVENTS:
            self.emit(STATUS_EVENTS[status], order)
        self.emit("order_updated", order)

    def product_changed(self, product: dict[str, Any], stock_changed: bool) -> None:
        self.emit("product_updated", product)
        if stock_changed:
            self.emit("product_stock_updated", product)

    # --- delivery ------------------------------------------------------------------------------
    def kick(self) -> None:
        """Start sending every pending delivery not yet in flight (needs the running event loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a change made outside a request): sent on the next kick
        for delivery in self.deliveries:
            if delivery.state == "pending" and delivery.next_attempt_in_s == 0.0:
                delivery.next_attempt_in_s = None  # in flight
                task = loop.create_task(self._deliver(delivery))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery) -> None:
        settings = self.settings
        async with httpx.AsyncClient(timeout=settings.timeout_s) as client:
            while True:
                if delivery.hook_id not in self.hooks:
                    delivery.state, delivery.next_attempt_in_s = "hook_deleted", None
                    return
                started = time.monotonic()
                outcome: dict[str, Any] = {"at": datetime.now(UTC).isoformat()}
                try:
                    answer = await client.post(delivery.url, content=delivery.body, headers=delivery.headers)
                    outcome["status"] = answer.status_code
                    success = 200 <= answer.status_code < 300
                except httpx.HTTPError as exc:
                    outcome["error"] = exc.__class__.__name__
                    success = False
                outcome["seconds"] = round(time.monotonic() - started, 3)
                delivery.attempts.append(outcome)
                if success:
                    delivery.state, delivery.next_attempt_in_s = "delivered", None
                    return
                if len(delivery.attempts) >= settings.max_attempts:
                    delivery.state, delivery.next_attempt_in_s = "failed", None
                    self._remove_failing(delivery)
                    return
                delay = settings.retry_delay(len(delivery.attempts))
                delivery.next_attempt_in_s = delay
                await asyncio.sleep(delay)

    def _remove_failing(self, delivery: Delivery) -> None:
        hook = self.hooks.pop(delivery.hook_id, None)
        if hook is not None:
            self.removed.append({**hook, "reason": f"deleted after {len(delivery.attempts)} failed attempts "
                                                   f"to deliver {delivery.event} (delivery {delivery.id})"})

    async def drain(self) -> None:
        """Wait for every delivery in flight (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
