"""``run_contabilium_sandbox``: serve a Contabilium sandbox on loopback for tests, benchmarks and flows.

Yields the shared :class:`SandboxHandle` via ``puente_sandbox.stack.serve_app``. It carries no
``auth``: a client posts ``DEFAULT_CONTABILIUM_CLIENT_ID``/``_SECRET`` to ``/token`` for its bearer
token, exactly like a real one. ``handle.store`` is the live store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.contabilium.app import create_app
from puente_sandbox.contabilium.seed import ContabiliumSeed, generate_contabilium_data
from puente_sandbox.contabilium.store import ContabiliumStore
from puente_sandbox.contabilium.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.stack import serve_store


@contextmanager
def run_contabilium_sandbox(
    data: ContabiliumSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    now: Callable[[], datetime] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve a Contabilium account (``data`` or the default seed) until the block exits."""
    store_kwargs: dict[str, Any] = {"now": now} if now is not None else {}
    store = ContabiliumStore(
        data or generate_contabilium_data(),
        client_id=DEFAULT_CONTABILIUM_CLIENT_ID,
        client_secret=DEFAULT_CONTABILIUM_CLIENT_SECRET,
        **store_kwargs,
    )
    with serve_store(
        create_app, store, "contabilium", rate_limits=rate_limits, faults=faults, host=host, port=port
    ) as handle:
        yield handle
