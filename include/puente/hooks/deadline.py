"""A time limit for the vendor calls of one piece of work, for callers that cannot wait like a task.

Why: a task may retry an unreachable vendor for minutes (``PuenteHttpHook.max_total_wait``) and
should; a person waiting on a console request should not. ``within(seconds)`` sets a deadline in
a context variable: every idempotent request sent inside it gets a socket timeout no longer than
the time left, no retry is waited for past it (the last error is raised instead), and nothing is
sent after it (a certain ``TransientError``: nothing reached the vendor). A write that was sent
keeps its whole timeout: cutting it short would only make its outcome uncertain (a lookup, or a
person, then has to settle it). Outside ``within`` nothing changes. Threads do not inherit
context variables, so code that reads in worker threads submits through ``submit`` (which runs
the function in a copy of the caller's context).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("puente_vendor_deadline", default=None)
MIN_TIMEOUT = 0.5  # a socket timeout below this fails even a healthy vendor


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Vendor calls made inside this block end by ``seconds`` from now (give or take one send)."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (may be negative); None when there is none."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def may_wait(seconds: float) -> bool:
    """Whether a retry that first waits ``seconds`` still starts before the deadline."""
    left = remaining()
    return left is None or seconds < left


def timeout(default: Any) -> Any:
    """``default`` (a number or a (connect, read) pair), shortened to the time left if there is a deadline."""
    left = remaining()
    if left is None:
        return default
    left = max(MIN_TIMEOUT, left)
    if isinstance(default, tuple):
        return tuple(min(part, left) for part in default)
    return left if default is None else min(default, left)


def send_options(options: dict[str, Any]) -> dict[str, Any]:
    """A hook's send options with the timeout shortened to the time left (unchanged without a deadline)."""
    if _DEADLINE.get() is None:
        return options
    return options | {"timeout": timeout(options.get("timeout"))}


def check(vendor: str, method: str, path: str) -> None:
    """Raise a (certain: nothing was sent) ``TransientError`` once the deadline has passed."""
    from puente.hooks.errors import TransientError

    left = remaining()
    if left is not None and left <= 0:
        raise TransientError(f"{vendor} {method} {path}: not sent, the caller's time limit passed",
                             vendor=vendor, method=method, path=path)


def submit(pool: Executor, fn: Callable[..., T], *args: Any) -> Future[T]:
    """``pool.submit`` in a copy of this context, so the worker thread keeps the caller's deadline."""
    return pool.submit(contextvars.copy_context().run, fn, *args)
