"""``create_app``: a Jumpseller API sandbox on FastAPI, seeded from a catalog scenario."""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.jumpseller.inspection import build_jumpseller_inspection_router
from puente_sandbox.jumpseller.order_inspection import build_order_inspection_router
from puente_sandbox.jumpseller.routes_hooks import build_hook_inspection_router, build_hook_router
from puente_sandbox.jumpseller.routes_orders import build_order_router
from puente_sandbox.jumpseller.routes_products import build_product_router
from puente_sandbox.jumpseller.routes_store import build_store_router
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.jumpseller.vendor import (
    DEFAULT_RATE_LIMITS,
    JUMPSELLER_PROFILE,
    require_store_credentials,
)
from puente_sandbox.orders_datagen import OrderScenario


def create_app(
    store: JumpsellerStore | CatalogScenario | OrderScenario,
    *,
    login: str = DEFAULT_LOGIN,
    authtoken: str = DEFAULT_AUTHTOKEN,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """Rate limits default to the documented 20 requests/second and 800 requests/minute per store.

    Pass ``rate_limits=None`` to switch them off (e.g. for a raw-throughput benchmark). An
    :class:`OrderScenario` seeds the catalog *and* the orders (and the sandbox clock).
    """
    if isinstance(store, CatalogScenario | OrderScenario):
        store = JumpsellerStore.from_scenario(store, login=login)
    state = SandboxState(
        profile=JUMPSELLER_PROFILE, store=store, rate_limits=rate_limits, faults=faults, clock=clock
    )
    auth = require_store_credentials(login, authtoken)
    routers = [build_product_router(store, auth), build_store_router(store, auth), build_order_router(store, auth),
               build_hook_router(store, auth)]
    inspection = [build_jumpseller_inspection_router(store), build_order_inspection_router(store),
                  build_hook_inspection_router(store)]
    return build_vendor_app(state, routers, inspection, title="Jumpseller API sandbox")
