"""``run_alegra_sandbox``: serve an Alegra sandbox on loopback for tests, benchmarks and flows.

Yields the shared :class:`SandboxHandle` with ``auth = (email, token)``, exactly what an Alegra
client sends as HTTP Basic; ``handle.store`` is the live :class:`AlegraStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from puente_sandbox.alegra.app import create_app
from puente_sandbox.alegra.seed import AlegraSeed, generate_alegra_data
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.stack import serve_store


@contextmanager
def run_alegra_sandbox(
    data: AlegraSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    now: Callable[[], datetime] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve an Alegra account (``data`` or the default seed) until the block exits."""
    store_kwargs: dict[str, Any] = {"now": now} if now is not None else {}
    store = AlegraStore(data or generate_alegra_data(), email=DEFAULT_ALEGRA_EMAIL, token=DEFAULT_ALEGRA_TOKEN,
                        **store_kwargs)  # fmt: skip
    auth = (DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN)
    with serve_store(
        create_app, store, "alegra", rate_limits=rate_limits, faults=faults, host=host, port=port, auth=auth
    ) as handle:
        yield handle
