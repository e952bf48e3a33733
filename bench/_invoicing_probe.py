"""In-process timers for bench/invoicing.py: where the wall and CPU time of an invoicing run go.

``dag.test()`` runs every task in this process, so wrapping methods here times the real run
(nothing in ``include/`` is changed; the originals are put back on exit). Each label collects
wall seconds, CPU seconds (``thread_time``: this thread only, so the sandboxes' process and
Airflow's other threads are not counted) and calls:

* ``hook:<vendor>``: ``PuenteHttpHook.request``: limiter + HTTP + retries, what the brief calls
  "waiting on HTTP";
* ``http:<vendor>``: ``requests.Session.request`` alone: the round trip (100 ms of sandbox
  latency each) plus requests/urllib3's own client work;
* ``limiter:<vendor>``: ``acquire`` of the limiter in use (the SQL one by default: its budget
  lives in the state database); ``budget_sleep:<vendor>`` is the part it spent sleeping for the
  budget (the seconds ``acquire`` reports), the rest is its bookkeeping;
* ``ledger`` (``InvoiceLedger``), ``state`` (``StateStore`` links/reports) and ``decide``
  (the invoicing rules).

The invoice tasks run several threads, so these sums can exceed the wall time. ``busy_s(prefix)``
is the *union* of the labelled calls' intervals: the wall time during which at least one such call
was in flight, which is what "wall time not spent waiting on HTTP" subtracts.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

LEDGER_METHODS = ("enqueue", "claim", "finish", "rows", "note_attach_attempt", "mark_attached")
STATE_METHODS = ("links", "write_report", "reports")


class Tally:
    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.intervals: list[tuple[str, float, float]] = []  # (label, start, end), perf_counter seconds

    def add(self, label: str, wall: float, cpu: float, end: float | None = None) -> None:
        self.wall[label] += wall
        self.cpu[label] += cpu
        self.calls[label] += 1
        if end is not None:
            self.intervals.append((label, end - wall, end))  # list.append is atomic: safe across threads

    def busy_s(self, *prefixes: str) -> float:
        """Seconds during which at least one call with one of these label prefixes was in flight."""
        spans = sorted((a, b) for label, a, b in self.intervals if label.startswith(prefixes))
        total, reach = 0.0, float("-inf")
        for start, end in spans:
            if end > reach:
                total += end - max(start, reach)
                reach = end
        return total

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {label: {"wall_s": self.wall[label], "cpu_s": self.cpu[label], "calls": self.calls[label]}
                for label in sorted(self.wall)}


def _vendor_of_url(url: str, urls: dict[str, str]) -> str:
    return next((name for name, base in urls.items() if url.startswith(base)), "other")


@contextmanager
def probe(urls: dict[str, str]) -> Iterator[Tally]:
    """Wrap the hooks, the HTTP client, the limiters, the ledger and the rules while the run lasts."""
    import requests

    from puente.hooks.base import PuenteHttpHook
    from puente.hooks.ratelimit import InProcessRateLimiter
    from puente.hooks.ratelimit_sql import SqlRateLimiter
    from puente.rules import invoicing as rules
    from puente.state.ledger import InvoiceLedger
    from puente.state.store import StateStore

    tally = Tally()
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label_of: Callable[..., str], after: Callable[..., None] | None = None) -> None:
        func = getattr(owner, name)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            result = None
            try:
                result = func(*args, **kwargs)
                return result
            finally:
                label, end = label_of(*args, **kwargs), time.perf_counter()
                tally.add(label, end - wall, time.thread_time() - cpu, end)
                if after is not None:
                    after(label, args, result)

        patched.append((owner, name, func))
        setattr(owner, name, wrapper)

    def slept(label: str, args: tuple, result: Any) -> None:  # the sleep ends where acquire returns
        tally.add(label.replace("limiter:", "budget_sleep:"), float(result or 0.0), 0.0, time.perf_counter())

    wrap(PuenteHttpHook, "request", lambda self, *a, **k: f"hook:{self.vendor}")
    wrap(requests.Session, "request", lambda self, method, url, *a, **k: f"http:{_vendor_of_url(url, urls)}")
    for limiter in (SqlRateLimiter, InProcessRateLimiter):
        wrap(limiter, "acquire", lambda self, key, *a, **k: f"limiter:{key.split(':', 1)[0]}", slept)
    for name in LEDGER_METHODS:
        wrap(InvoiceLedger, name, lambda *a, **k: "ledger")
    for name in STATE_METHODS:
        wrap(StateStore, name, lambda *a, **k: "state")
    wrap(rules, "decide", lambda *a, **k: "decide")
    try:
        yield tally
    finally:
        for owner, name, func in reversed(patched):
            setattr(owner, name, func)
