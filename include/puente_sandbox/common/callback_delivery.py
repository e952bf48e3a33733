"""Deliver a sandbox's webhooks over real HTTP: POST, wait ``timeout_s``, retry on a schedule, keep a log.

Vendor-neutral (Mercado Libre notifications, Siigo webhooks use it; any sandbox may): a vendor
module decides *what* is sent (URL, JSON body, headers, and how a retry changes the body, e.g.
Mercado Libre's growing ``attempts``) and its delivery contract (timeout, which answers count as
delivered, retry delays); this module only does it, on one background thread per sandbox, so the
vendor route that caused the event answers at once, as the real vendors do.

Every attempt is recorded (``log()``: status code or error, seconds taken), and a delivery that
exhausted its schedule is ``missed`` (Mercado Libre then serves it from ``/missed_feeds``). Loopback
only in practice; ``requests`` with ``trust_env=False`` so no proxy from the environment interferes.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

BodyFor = Callable[[int], dict[str, Any]]  # attempt number (1-based) -> the JSON body of that attempt


@dataclass(frozen=True)
class DeliveryPolicy:
    """How a vendor delivers: the answer it waits for, how long, and when it tries again."""

    timeout_s: float = 0.5
    retry_delays_s: Sequence[float] = ()
    delivered: Callable[[int], bool] = lambda status: status == 200


@dataclass
class Delivery:
    key: str  # the vendor's id of the event (Mercado Libre's ``_id``)
    url: str
    body_for: BodyFor
    headers: dict[str, str]
    policy: DeliveryPolicy
    meta: dict[str, Any] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    state: str = "pending"  # pending | delivered | missed

    def summary(self) -> dict[str, Any]:
        return {"key": self.key, "url": self.url, "state": self.state, "attempts": list(self.attempts),
                "body": self.body_for(max(1, len(self.attempts))), **self.meta}


class CallbackDeliverer:
    """A background sender with a due-time queue; ``close()`` stops it (pending deliveries stay pending)."""

    def __init__(self, name: str = "sandbox-webhooks") -> None:
        self._queue: list[tuple[float, int, Delivery]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._deliveries: list[Delivery] = []
        self._session = requests.Session()
        self._session.trust_env = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def send(self, delivery: Delivery, delay_s: float = 0.0) -> Delivery:
        with self._cond:
            self._deliveries.append(delivery)
            heapq.heappush(self._queue, (time.monotonic() + delay_s, next(self._seq), delivery))
            self._cond.notify()
        return delivery

    def log(self) -> list[Delivery]:
        with self._cond:
            return list(self._deliveries)

    def idle(self) -> bool:
        with self._cond:
            return not self._queue and not any(d.state == "pending" for d in self._deliveries)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.01)
        return self.idle()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=2)
        self._session.close()

    def _next(self) -> Delivery | None:
        with self._cond:
            while not self._closed:
                if self._queue and self._queue[0][0] <= time.monotonic():
                    return heapq.heappop(self._queue)[2]
                wait = self._queue[0][0] - time.monotonic() if self._queue else None
                self._cond.wait(timeout=wait)
            return None

    def _run(self) -> None:
        while (delivery := self._next()) is not None:
            self._attempt(delivery)

    def _attempt(self, delivery: Delivery) -> None:
        number = len(delivery.attempts) + 1
        started = time.monotonic()
        record: dict[str, Any] = {"attempt": number, "at": time.time()}
        try:
            answer = self._session.post(delivery.url, json=delivery.body_for(number), headers=delivery.headers,
                                        timeout=delivery.policy.timeout_s)
            record["status"] = answer.status_code
            ok = delivery.policy.delivered(answer.status_code)
        except requests.RequestException as exc:  # timeout, refused, reset: not delivered
            record["error"] = exc.__class__.__name__
            ok = False
        record["seconds"] = round(time.monotonic() - started, 3)
        with self._cond:
            delivery.attempts.append(record)
            retries = delivery.policy.retry_delays_s
            if ok:
                delivery.state = "delivered"
            elif number - 1 < len(retries):
                heapq.heappush(self._queue, (time.monotonic() + retries[number - 1], next(self._seq), delivery))
            else:
                delivery.state = "missed"
