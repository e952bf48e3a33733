"""Error handling components: a status -> action table, a backoff strategy, wait-hint parsing.

Shaped after the Airbyte declarative CDK (error handler with response filters, backoff strategy)
so a vendor hook overrides one small piece (its table, its wait hint) instead of the retry loop.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class Action(enum.Enum):
    """What the transport does with a response."""

    OK = "ok"
    WAIT = "wait"  # rate limited: wait the server's hint, then retry (any method: nothing was done)
    BACKOFF = "backoff"  # transient: exponential backoff, retry only idempotent requests
    AUTH = "auth"  # raise AuthError
    NOT_FOUND = "not_found"  # raise NotFound
    FAIL = "fail"  # raise PermanentError


StatusTable = Mapping[int | str, Action]
"""Keys are exact status codes (``429``) or classes (``"5xx"``); exact codes win."""

DEFAULT_STATUS_ACTIONS: StatusTable = {
    "2xx": Action.OK,
    "3xx": Action.OK,  # requests follows redirects; a 304 is not an error
    429: Action.WAIT,
    401: Action.AUTH,
    403: Action.AUTH,
    404: Action.NOT_FOUND,
    408: Action.BACKOFF,
    "4xx": Action.FAIL,
    "5xx": Action.BACKOFF,
}


def action_for(status: int, table: StatusTable) -> Action:
    """Look a status up: exact code first, then its class; unknown codes fail permanently."""
    action = table.get(status)
    if action is None:
        action = table.get(f"{status // 100}xx", Action.FAIL)
    return action


@dataclass(frozen=True)
class ExponentialBackoff:
    """Full-jitter exponential backoff: ``uniform(0, min(max, base * 2**(attempt-1)))``.

    Full jitter spreads retries of many workers hit by the same outage (AWS architecture blog,
    "Exponential Backoff And Jitter"); a floor of ``base / 2`` keeps a retry from being instant.
    """

    base: float = 0.5
    maximum: float = 30.0

    def wait(self, attempt: int) -> float:
        ceiling = min(self.maximum, self.base * (2 ** max(attempt - 1, 0)))
        return max(self.base / 2, random.uniform(0.0, ceiling))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def seconds_until_iso(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds until an ISO-8601 instant (Jumpseller's ``BannedByRateLimit-Reset``); None if unparsable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


__all__ = [
    "DEFAULT_STATUS_ACTIONS",
    "Action",
    "ExponentialBackoff",
    "StatusTable",
    "action_for",
    "parse_retry_after",
    "seconds_until_iso",
]
