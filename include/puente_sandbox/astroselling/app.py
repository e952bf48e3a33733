"""``create_app``: an Astroselling "Jupiter" API sandbox on FastAPI (``https://nova.astroselling.com``
stand-in), every route under ``/jupiter/v1``.

Documented endpoints (README of ``astroselling/jupiter-sdk``): ``channels``, per-channel products
(list, get, create, partial update, delete) and ``healthcheck``. The orders endpoints implement the
notes' **inferred contract** (:mod:`routes_orders`): Astroselling publishes no orders API.

Budget: none is published; the sandbox assumes Laravel's default ``throttle:api`` of 60 requests
per minute per user (``DEFAULT_RATE_LIMITS``), answering 429 ``{"message": "Too Many Attempts."}``
with ``Retry-After``. ``None`` disables it. Faults and ``/_sandbox`` come from the shared machinery;
Astroselling-specific inspection routes are in :mod:`inspection`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.astroselling.auth import require_token
from puente_sandbox.astroselling.inspection import build_astroselling_inspection_router
from puente_sandbox.astroselling.routes_orders import build_order_router
from puente_sandbox.astroselling.routes_products import build_health_router, build_product_router
from puente_sandbox.astroselling.seed import AstrosellingSeed
from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.vendor import ASTROSELLING_PROFILE, DEFAULT_RATE_LIMITS
from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN

_DEFAULT = object()


def create_app(
    store: AstrosellingStore | AstrosellingSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | object | None = _DEFAULT,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """``store`` may be a ready store, seed data (default token) or None (default seed).

    ``rate_limits`` defaults to the assumed 60/min; ``None`` disables the limit.
    """
    if not isinstance(store, AstrosellingStore):
        store = AstrosellingStore(store, api_token=DEFAULT_ASTROSELLING_TOKEN)
    budgets = DEFAULT_RATE_LIMITS if rate_limits is _DEFAULT else rate_limits
    state = SandboxState(
        profile=ASTROSELLING_PROFILE,
        store=store,
        rate_limits=budgets,  # type: ignore[arg-type]
        faults=faults,
        clock=clock,
    )
    auth = require_token(store)
    routers = [build_health_router(), build_product_router(store, auth), build_order_router(store, auth)]
    return build_vendor_app(
        state, routers, [build_astroselling_inspection_router(store)], title="Astroselling Jupiter API sandbox"
    )
