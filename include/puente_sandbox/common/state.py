"""Per-app sandbox state shared by the middleware, the inspection routes and the vendor routes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from puente_sandbox.common.accounting import Clock, RequestAccounting
from puente_sandbox.common.faults import FaultConfig, FaultInjector
from puente_sandbox.common.ratelimit import Budget, SlidingWindowRateLimiter, make_limiter
from puente_sandbox.common.vendor import VendorProfile

INSPECTION_PREFIX = "/_sandbox"


@dataclass
class SandboxState:
    """Everything one vendor account/store needs besides its data: counters, limiter, faults."""

    profile: VendorProfile
    store: Any
    rate_limits: Sequence[Budget] | None = None
    faults: FaultConfig | None = None
    clock: Clock = time.monotonic
    accounting: RequestAccounting = field(init=False)
    limiter: SlidingWindowRateLimiter | None = field(init=False)
    injector: FaultInjector = field(init=False)
    routes: Sequence[BaseRoute] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Count arrivals over the vendor's own windows too (Contabilium's 10 s), so a test can ask the
        # sandbox whether any such window ever held more than the budget.
        windows = {1.0, 60.0, *(float(seconds) for _, seconds in self.rate_limits or ())}
        self.accounting = RequestAccounting(clock=self.clock, window_seconds=tuple(sorted(windows)))
        self.limiter = make_limiter(self.rate_limits, clock=self.clock)
        self.injector = FaultInjector(self.faults)

    @property
    def vendor(self) -> str:
        return self.profile.name

    def route_label(self, scope: Scope) -> str:
        """``"GET /v1/products/{product_id}.json"``: counts per endpoint, not per concrete URL."""
        method = scope.get("method", "GET")
        partial: BaseRoute | None = None
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return f"{method} {getattr(route, 'path', '?')}"
            if match is Match.PARTIAL and partial is None:
                partial = route
        if partial is not None:
            return f"{method} {getattr(partial, 'path', '?')}"
        return f"{method} <unmatched>"

    def reset_counters(self) -> None:
        """Forget traffic history: counters, write log and the limiter's windows."""
        self.accounting.reset()
        if self.limiter is not None:
            self.limiter.reset()

    def counters(self) -> dict[str, Any]:
        snapshot = self.accounting.snapshot()
        snapshot["vendor"] = self.vendor
        snapshot["rate_limits"] = [list(b) for b in self.limiter.budgets] if self.limiter else []
        return snapshot
