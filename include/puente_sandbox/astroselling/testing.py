"""``run_astroselling_sandbox``: serve an Astroselling sandbox on loopback for tests, benchmarks, flows.

Yields the shared :class:`SandboxHandle`; its ``headers`` carry ``Authorization: Bearer <token>``
(what a configured client sends) and ``handle.store`` is the live store. The API lives under
``/jupiter/v1``: a connection's host is ``handle.url(API_PREFIX)`` (or the bare ``base_url``: the
hook adds the prefix when the host has no path).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from puente_sandbox.astroselling.app import create_app
from puente_sandbox.astroselling.seed import AstrosellingSeed, generate_astroselling_data
from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.vendor import DEFAULT_RATE_LIMITS
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.stack import serve_store


@contextmanager
def run_astroselling_sandbox(
    data: AstrosellingSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    api_token: str = DEFAULT_ASTROSELLING_TOKEN,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[SandboxHandle]:
    """Serve an Astroselling account (``data`` or the default seed) until the block exits."""
    store = AstrosellingStore(data or generate_astroselling_data(), api_token=api_token)
    headers = {"Authorization": f"Bearer {api_token}"}
    with serve_store(
        create_app, store, "astroselling", rate_limits=rate_limits, faults=faults, host=host, port=port, headers=headers
    ) as handle:
        yield handle
