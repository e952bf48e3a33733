"""Request accounting for one vendor account/store: what the client really did over the wire.

Tests use it to assert behaviour that cannot be seen from the client side: that a sync never
exceeded Jumpseller's 20/s and 800/min, how many pages a hook fetched, and which writes were
committed (including those whose response was "lost").
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from puente_sandbox.common.windows import SlidingWindow

Clock = Callable[[], float]


@dataclass(slots=True)
class WriteRecord:
    """One write that reached the vendor handler (so it was executed, whatever the client saw)."""

    seq: int
    method: str
    path: str
    route: str
    query: str
    body: Any
    status: int
    delivered_status: int | None
    lost: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "query": self.query,
            "body": self.body,
            "status": self.status,
            "delivered_status": self.delivered_status,
            "lost": self.lost,
        }


@dataclass
class RequestAccounting:
    """Counters for every vendor request that reached the server, rejected ones included."""

    clock: Clock = time.monotonic
    window_seconds: tuple[float, ...] = (1.0, 60.0)
    total_requests: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    faults_injected: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    writes: list[WriteRecord] = field(default_factory=list)
    _windows: dict[float, SlidingWindow] = field(default_factory=dict, repr=False)
    _max_in_window: dict[float, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._reset_windows()

    def _reset_windows(self) -> None:
        self._windows = {w: SlidingWindow(w) for w in self.window_seconds}
        self._max_in_window = dict.fromkeys(self.window_seconds, 0)

    def record_arrival(self, route: str, now: float | None = None) -> None:
        """Count a request as soon as it arrives, before any limiter or fault decides its fate."""
        now = self.clock() if now is None else now
        self.total_requests += 1
        self.by_route[route] += 1
        for seconds, window in self._windows.items():
            seen = window.add(now)
            if seen > self._max_in_window[seconds]:
                self._max_in_window[seconds] = seen

    def record_status(self, status: int) -> None:
        self.by_status[status] += 1

    def record_fault(self, kind: str) -> None:
        self.faults_injected[kind] += 1

    def record_write(
        self,
        *,
        method: str,
        path: str,
        route: str,
        query: str,
        body: Any,
        status: int,
        delivered_status: int | None,
        lost: bool,
    ) -> WriteRecord:
        record = WriteRecord(
            seq=len(self.writes) + 1,
            method=method,
            path=path,
            route=route,
            query=query,
            body=body,
            status=status,
            delivered_status=delivered_status,
            lost=lost,
        )
        self.writes.append(record)
        return record

    def max_in_window(self, seconds: float) -> int:
        return self._max_in_window[seconds]

    def reset(self) -> None:
        self.total_requests = 0
        self.by_route.clear()
        self.by_status.clear()
        self.faults_injected.clear()
        self.rate_limited = 0
        self.writes.clear()
        self._reset_windows()

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready view served at ``GET /_sandbox/counters``."""
        maxima = {_window_key(s): m for s, m in self._max_in_window.items()}
        return {
            "total_requests": self.total_requests,
            "by_route": dict(sorted(self.by_route.items())),
            "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "writes": len(self.writes),
            "rate_limited": self.rate_limited,
            "faults_injected": {
                kind: self.faults_injected.get(kind, 0) for kind in ("latency", "429", "5xx", "lost_response")
            },
            "max_requests_in_window": maxima,
            "max_requests_in_1s": self._max_in_window.get(1.0, 0),
            "max_requests_in_60s": self._max_in_window.get(60.0, 0),
        }


def _window_key(seconds: float) -> str:
    return f"{seconds:g}s"
