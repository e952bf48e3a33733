"""Sliding time windows over request timestamps.

Both the accounting (what did the client actually do?) and the limiter (what does the vendor
allow?) need "how many requests in the last W seconds". A window is the half-open interval
``(now - W, now]``: two requests exactly W seconds apart are not in the same window, so a client
pacing at exactly 20 per second is within a 20/s budget.
"""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    """Timestamps of the requests inside the last ``seconds`` (monotonic clock values)."""

    __slots__ = ("_stamps", "seconds")

    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("window must be positive")
        self.seconds = float(seconds)
        self._stamps: deque[float] = deque()

    def _prune(self, now: float) -> None:
        cutoff = now - self.seconds
        stamps = self._stamps
        while stamps and stamps[0] <= cutoff:
            stamps.popleft()

    def add(self, now: float) -> int:
        """Record a request at ``now`` and return how many are in the window ending at ``now``."""
        self._prune(now)
        self._stamps.append(now)
        return len(self._stamps)

    def count(self, now: float) -> int:
        self._prune(now)
        return len(self._stamps)

    def seconds_until_below(self, now: float, limit: int) -> float:
        """Time until fewer than ``limit`` requests remain in the window (0 if already true)."""
        self._prune(now)
        excess = len(self._stamps) - limit
        if excess < 0:
            return 0.0
        # The window drops below ``limit`` once the (excess+1)-th oldest stamp expires.
        return max(0.0, self._stamps[excess] + self.seconds - now)

    def clear(self) -> None:
        self._stamps.clear()
