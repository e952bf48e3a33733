"""A vendor-side sliding-window rate limiter that enforces budgets like "20/s and 800/min".

It imitates a vendor that counts every request reaching it, rejected ones included (a client
that keeps hammering stays throttled), and reports what is left of each budget so a vendor can
emit headers such as Jumpseller's ``...-Remaining``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.windows import SlidingWindow

Budget = tuple[int, float]  # (max_requests, window_seconds)


@dataclass(frozen=True, slots=True)
class BudgetState:
    limit: int
    window_seconds: float
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Outcome for one request: allowed or not, per-budget usage, and when to retry."""

    allowed: bool
    budgets: tuple[BudgetState, ...]
    retry_after_s: float

    def budget(self, window_seconds: float) -> BudgetState | None:
        for state in self.budgets:
            if state.window_seconds == window_seconds:
                return state
        return None

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, at least 1, as HTTP ``Retry-After`` expects."""
        return str(max(1, math.ceil(self.retry_after_s)))


class SlidingWindowRateLimiter:
    """Enforces every budget at once; a request is rejected if any budget is exceeded."""

    def __init__(self, budgets: Iterable[Budget], clock: Clock = time.monotonic) -> None:
        self.budgets: tuple[Budget, ...] = tuple((int(n), float(w)) for n, w in budgets)
        if not self.budgets:
            raise ValueError("at least one budget is required")
        for limit, window in self.budgets:
            if limit < 1 or window <= 0:
                raise ValueError(f"invalid budget ({limit}, {window})")
        self.clock = clock
        self._windows = [SlidingWindow(w) for _, w in self.budgets]

    def hit(self, now: float | None = None) -> RateDecision:
        """Count one request (always) and decide whether it is within every budget."""
        now = self.clock() if now is None else now
        states: list[BudgetState] = []
        allowed = True
        retry = 0.0
        for (limit, seconds), window in zip(self.budgets, self._windows, strict=True):
            used = window.add(now)
            states.append(BudgetState(limit=limit, window_seconds=seconds, used=used))
            if used > limit:
                allowed = False
                retry = max(retry, window.seconds_until_below(now, limit))
        return RateDecision(allowed=allowed, budgets=tuple(states), retry_after_s=retry)

    def reset(self) -> None:
        for window in self._windows:
            window.clear()


def make_limiter(
    budgets: Sequence[Budget] | None, clock: Clock = time.monotonic
) -> SlidingWindowRateLimiter | None:
    """``None`` or an empty list means "no limit", which is Bsale's published behaviour."""
    if not budgets:
        return None
    return SlidingWindowRateLimiter(budgets, clock=clock)
