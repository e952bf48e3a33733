"""Fault injection settings and the seeded dice that decide which request gets which fault.

Hooks must survive the vendor misbehaving (slow answers, 429s, 5xx, and the nasty case where a
write is committed but the answer never reaches the client). The dice are a seeded
``random.Random`` so a failing test replays the same fault sequence for the same request order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Lost responses only make sense for writes that create or change state (the brief's POST/PUT).
LOSABLE_METHODS = frozenset({"POST", "PUT"})


class FaultConfig(BaseModel):
    """What to inject on vendor paths; ``/_sandbox/*`` is never affected.

    Rates are probabilities per request in [0, 1]. ``lost_response_rate`` applies to POST/PUT only:
    the request is executed and committed, then the client gets a 5xx (``lost_response_mode =
    "error"``) or a connection cut mid-response (``"drop"``).
    """

    model_config = ConfigDict(extra="forbid")

    latency_ms: float = Field(default=0.0, ge=0.0, le=60_000.0)
    rate_429: float = Field(default=0.0, ge=0.0, le=1.0)
    rate_5xx: float = Field(default=0.0, ge=0.0, le=1.0)
    lost_response_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    lost_response_mode: Literal["error", "drop"] = "error"
    seed: int = 0


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The faults chosen for one request, decided before the request runs."""

    latency_s: float = 0.0
    inject_429: bool = False
    inject_5xx: bool = False
    lose_response: bool = False


NO_FAULTS = FaultPlan()


class FaultInjector:
    """Holds the active :class:`FaultConfig` and rolls the dice for each vendor request."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        """Replace the config and reseed, so the same config always replays the same sequence."""
        self._config = config
        self._rng = random.Random(config.seed)

    def plan(self, method: str) -> FaultPlan:
        """Decide the faults for one request. Draws are made in a fixed order for replayability."""
        cfg = self._config
        if not (cfg.latency_ms or cfg.rate_429 or cfg.rate_5xx or cfg.lost_response_rate):
            return NO_FAULTS
        inject_429 = cfg.rate_429 > 0 and self._rng.random() < cfg.rate_429
        inject_5xx = not inject_429 and cfg.rate_5xx > 0 and self._rng.random() < cfg.rate_5xx
        lose = (
            not (inject_429 or inject_5xx)
            and method in LOSABLE_METHODS
            and cfg.lost_response_rate > 0
            and self._rng.random() < cfg.lost_response_rate
        )
        return FaultPlan(
            latency_s=cfg.latency_ms / 1000.0,
            inject_429=inject_429,
            inject_5xx=inject_5xx,
            lose_response=lose,
        )
