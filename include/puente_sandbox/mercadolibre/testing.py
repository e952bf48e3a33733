"""``run_mercadolibre_sandbox``: serve a Mercado Libre sandbox on loopback for tests and flows.

Yields the shared :class:`SandboxHandle`; a client still has to ``POST /oauth/token`` with the
app's credentials and the seller's refresh token (``puente_sandbox.credentials.DEFAULT_MELI_*``)
for its access token, exactly like a real one. ``handle.store`` is the live store. Pass ``now``
to pin the clock: the 12-month order history is counted back from it, and the default seed's
orders are from July-August 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.mercadolibre.app import create_app, default_store
from puente_sandbox.mercadolibre.seed import MercadoLibreSeed, generate_mercadolibre_data
from puente_sandbox.mercadolibre.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.stack import serve_store


@contextmanager
def run_mercadolibre_sandbox(
    data: MercadoLibreSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    now: Callable[[], datetime] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve one Mercado Libre seller (``data`` or the default seed) until the block exits."""
    store = default_store(data or generate_mercadolibre_data(), **({"now": now} if now is not None else {}))
    with serve_store(
        create_app, store, "mercadolibre", rate_limits=rate_limits, faults=faults, host=host, port=port
    ) as handle:
        try:
            yield handle
        finally:
            if store.notifier is not None:
                store.notifier.close()  # its delivery thread, if notifications were configured
