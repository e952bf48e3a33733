"""``create_app``: an Escala CRM public-API sandbox on FastAPI, seeded from an :class:`EscalaStore`."""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala.inspection import build_escala_inspection_router
from puente_sandbox.escala.routes_account import build_account_router
from puente_sandbox.escala.routes_contacts import build_contact_router
from puente_sandbox.escala.routes_deals import build_deal_router
from puente_sandbox.escala.store import EscalaStore
from puente_sandbox.escala.vendor import DEFAULT_RATE_LIMITS, ESCALA_PROFILE, require_api_key


def create_app(
    store: EscalaStore | None = None,
    *,
    api_key: str = DEFAULT_ESCALA_API_KEY,
    rate_limits: Sequence[Budget] | None = DEFAULT_RATE_LIMITS,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """Escala publishes no rate limit; the default 10 requests/second is an assumption (see
    :mod:`.vendor`). Pass ``rate_limits=None`` to switch it off, or a tighter one to provoke 429s.
    Without a store, the account is ``EscalaStore.generate(seed=7)``.
    """
    store = store if store is not None else EscalaStore.generate()
    state = SandboxState(profile=ESCALA_PROFILE, store=store, rate_limits=rate_limits, faults=faults, clock=clock)
    auth = require_api_key(api_key)
    routers = [
        build_contact_router(store, auth),
        build_deal_router(store, auth),
        build_account_router(store, auth),
    ]
    return build_vendor_app(state, routers, [build_escala_inspection_router(store)], title="Escala API sandbox")
