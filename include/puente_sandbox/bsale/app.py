"""``create_app``: a Bsale API sandbox on FastAPI, seeded from a catalog scenario."""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.bsale.inspection import build_bsale_inspection_router
from puente_sandbox.bsale.routes_catalog import build_catalog_router
from puente_sandbox.bsale.routes_config import build_config_router
from puente_sandbox.bsale.routes_documents import build_document_router
from puente_sandbox.bsale.routes_prices import build_price_router
from puente_sandbox.bsale.routes_stock import build_stock_router
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.bsale.vendor import BSALE_PROFILE, require_access_token
from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN
from puente_sandbox.datagen import CatalogScenario


def create_app(
    store: BsaleStore | CatalogScenario,
    *,
    access_token: str = DEFAULT_ACCESS_TOKEN,
    rate_limits: Sequence[Budget] | None = None,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """Bsale publishes no rate limit, so ``rate_limits`` is off unless given (e.g. ``[(10, 1.0)]``)."""
    if isinstance(store, CatalogScenario):
        store = BsaleStore.from_scenario(store)
    state = SandboxState(
        profile=BSALE_PROFILE, store=store, rate_limits=rate_limits, faults=faults, clock=clock
    )
    auth = require_access_token(access_token)
    routers = [
        build_catalog_router(store, auth),
        build_stock_router(store, auth),
        build_price_router(store, auth),
        build_config_router(store, auth),
        build_document_router(store, auth),
    ]
    return build_vendor_app(state, routers, [build_bsale_inspection_router(store)], title="Bsale API sandbox")
