"""``run_siigo_sandbox``: serve a Siigo sandbox on loopback for tests, benchmarks and flows.

``puente_sandbox.stack.run_sandbox`` knows the older vendors only; this is Siigo's equivalent and
yields the same :class:`SandboxHandle` (``headers`` carry ``Partner-Id``; a client still has to
``POST /auth`` for its token, exactly like a real one). ``handle.store`` is the live store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo.app import create_app
from puente_sandbox.siigo.seed import SiigoSeed, generate_siigo_data
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.stack import serve_store


@contextmanager
def run_siigo_sandbox(
    data: SiigoSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    now: Callable[[], datetime] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve a Siigo company (``data`` or the default seed) until the block exits."""
    store_kwargs: dict[str, Any] = {"now": now} if now is not None else {}
    store = SiigoStore(
        data or generate_siigo_data(), username=DEFAULT_SIIGO_USER, access_key=DEFAULT_SIIGO_ACCESS_KEY, **store_kwargs
    )
    headers = {"Partner-Id": DEFAULT_SIIGO_PARTNER_ID}
    with serve_store(
        create_app, store, "siigo", rate_limits=rate_limits, faults=faults, host=host, port=port, headers=headers
    ) as handle:
        try:
            yield handle
        finally:
            store.webhooks.close()  # its delivery thread, if anything was delivered
