"""Sliding-window rate limiting keyed by vendor account.

Vendors count requests per account (Jumpseller: 20 per second *and* 800 per minute, per store),
while Airflow runs many tasks of many DAGs for the same account on several workers at once.
Pools bound concurrency, not rate, so every hook calls ``acquire`` before each send.

``acquire(key, budgets)`` blocks until one more request may be sent such that, for every
``(limit, window)`` in ``budgets``, no more than ``limit`` sends fall in any ``window`` seconds.
The window is widened by a small safety margin because the vendor counts arrivals, not our sends,
and a thread may be descheduled between ``acquire`` returning and the bytes leaving.

Two backends:

* :class:`InProcessRateLimiter`: a deque per account behind a lock; costs microseconds.
  Enough for one worker process (``airflow standalone``, tests, benchmarks).
* :class:`puente.hooks.ratelimit_sql.SqlRateLimiter`: one shared budget for every process that
  points at the same database (``PUENTE_RATE_LIMIT_URL``).

:func:`get_limiter` picks the backend from the environment, once per process and URL.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

Budget = tuple[int, float]
"""``(limit, window_seconds)``: at most ``limit`` requests in any ``window_seconds``."""

ENV_URL = "PUENTE_RATE_LIMIT_URL"
DEFAULT_MARGIN_RATIO = 0.02
DEFAULT_MARGIN_SECONDS = 0.05


class RateLimiter(Protocol):
    """What hooks need from a limiter backend."""

    def acquire(self, key: str, budgets: Sequence[Budget]) -> float:
        """Block until a request for ``key`` may be sent; return the seconds waited."""
        ...

    def note_server_wait(self, key: str, seconds: float) -> None:
        """Pause every user of ``key`` for ``seconds`` (a 429's Retry-After or reset hint)."""
        ...


def normalize_budgets(budgets: Sequence[Budget]) -> tuple[Budget, ...]:
    """Drop disabled budgets (limit or window <= 0) and coerce types once."""
    return tuple((int(limit), float(window)) for limit, window in budgets if limit > 0 and window > 0)


class _Account:
    __slots__ = ("blocked_until", "horizon", "lock", "sent")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: deque[float] = deque()
        self.blocked_until = 0.0
        self.horizon = 0.0


class InProcessRateLimiter:
    """Thread-safe sliding-window limiter for one process.

    Keeps, per account, the send times of the last ``max(window)`` seconds. The wait for a budget
    ``(N, W)`` is ``sent[-N] + W - now``: the N-th most recent send must leave the window first.
    """

    def __init__(
        self,
        *,
        margin_ratio: float = DEFAULT_MARGIN_RATIO,
        margin_seconds: float = DEFAULT_MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.margin_ratio = margin_ratio
        self.margin_seconds = margin_seconds
        self._clock = clock
        self._sleep = sleep
        self._accounts: dict[str, _Account] = {}
        self._accounts_lock = threading.Lock()

    def _account(self, key: str) -> _Account:
        account = self._accounts.get(key)
        if account is None:
            with self._accounts_lock:
                account = self._accounts.setdefault(key, _Account())
        return account

    def _window(self, window: float) -> float:
        return window * (1.0 + self.margin_ratio) + self.margin_seconds

    def acquire(self, key: str, budgets: Sequence[Budget]) -> float:
        budgets = normalize_budgets(budgets)
        windows = [(limit, self._window(window)) for limit, window in budgets]
        account = self._account(key)
        waited = 0.0
        while True:
            with account.lock:
                now = self._clock()
                wait = account.blocked_until - now
                sent = account.sent
                for limit, window in windows:
                    if len(sent) >= limit:
                        wait = max(wait, sent[-limit] + window - now)
                if wait <= 0:
                    sent.append(now)
                    horizon = max((window for _, window in windows), default=0.0)
                    account.horizon = max(account.horizon, horizon)
                    cutoff = now - account.horizon
                    while sent and sent[0] <= cutoff:
                        sent.popleft()
                    return waited
            self._sleep(wait)
            waited += wait

    def note_server_wait(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        account = self._account(key)
        with account.lock:
            account.blocked_until = max(account.blocked_until, self._clock() + seconds)


_limiters: dict[tuple[int, str | None], RateLimiter] = {}
_limiters_lock = threading.Lock()


def get_limiter() -> RateLimiter:
    """Return this process's limiter: SQL when ``PUENTE_RATE_LIMIT_URL`` is a URL, else in-process.

    Cached per (pid, URL): a forked worker must not reuse its parent's database connections, and
    every hook in one process must share one in-process budget.
    """
    url = os.environ.get(ENV_URL) or None
    if url == "local":  # explicit opt-out: one budget per process
        url = None
    cache_key = (os.getpid(), url)
    limiter = _limiters.get(cache_key)
    if limiter is not None:
        return limiter
    with _limiters_lock:
        limiter = _limiters.get(cache_key)
        if limiter is None:
            if url:
                from puente.hooks.ratelimit_sql import SqlRateLimiter

                limiter = SqlRateLimiter(url)
            else:
                limiter = InProcessRateLimiter()
            _limiters[cache_key] = limiter
    return limiter


def __getattr__(name: str):
    # SqlRateLimiter lives in its own module so the in-process path never imports SQLAlchemy.
    if name == "SqlRateLimiter":
        from puente.hooks.ratelimit_sql import SqlRateLimiter

        return SqlRateLimiter
    raise AttributeError(name)


__all__ = [
    "ENV_URL",
    "Budget",
    "InProcessRateLimiter",
    "RateLimiter",
    "get_limiter",
    "normalize_budgets",
]
