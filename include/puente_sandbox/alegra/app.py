"""``create_app``: an Alegra API sandbox on FastAPI (``https://api.alegra.com/api/v1`` stand-in).

Follows ../shared/vendor-apis/alegra.md for the endpoints Puente uses: ``/items`` (+ ``/{id}``),
``/warehouses``, ``/price-lists``, ``/sellers``, ``/cost-centers``, ``/number-templates``,
``/bank-accounts``, ``/taxes``, ``/users/self``, ``/contacts`` (+ ``/{id}``, POST), ``/invoices``
(+ ``/{id}``, POST, ``/{id}/open``, ``/{id}/void``). Paths are served at the root: a client's base
URL is the sandbox URL standing for ``.../api/v1``. Everything else (credit notes, payments,
webhooks, e-mail, PDFs, bulk stamp) answers Alegra's 404 body: not needed by Puente's flows yet.

Budget: 150 requests per minute per user, every vendor path counted, with ``X-Rate-Limit-*`` on
every response (:mod:`vendor`); ``None`` disables it. Faults (latency, 429, 5xx, lost responses)
and ``/_sandbox`` come from the shared machinery; Alegra's own inspection is in :mod:`inspection`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.alegra.inspection import build_alegra_inspection_router
from puente_sandbox.alegra.routes_catalogs import build_catalog_router
from puente_sandbox.alegra.routes_contacts import build_contact_router
from puente_sandbox.alegra.routes_invoices import build_invoice_router
from puente_sandbox.alegra.seed import AlegraSeed
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.vendor import ALEGRA_PROFILE, DEFAULT_RATE_LIMITS, AlegraRateLimiter, require_basic
from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN

_DEFAULT = object()


def create_app(
    store: AlegraStore | AlegraSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | object | None = _DEFAULT,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """``store`` may be a ready store, seed data (default credentials) or None (default seed).

    ``rate_limits`` defaults to Alegra's 150/min; ``None`` disables the limit (and its headers).
    """
    if not isinstance(store, AlegraStore):
        store = AlegraStore(store, email=DEFAULT_ALEGRA_EMAIL, token=DEFAULT_ALEGRA_TOKEN)
    budgets = DEFAULT_RATE_LIMITS if rate_limits is _DEFAULT else rate_limits
    state = SandboxState(profile=ALEGRA_PROFILE, store=store, rate_limits=budgets, faults=faults,  # type: ignore[arg-type]
                         clock=clock)  # fmt: skip
    if state.limiter is not None:  # same budgets, plus the X-Rate-Limit-Reset bookkeeping
        state.limiter = AlegraRateLimiter(state.limiter.budgets, clock=clock)
    auth = require_basic(store.email, store.token)
    routers = [
        build_catalog_router(store, auth),
        build_contact_router(store, auth),
        build_invoice_router(store, auth),
    ]
    return build_vendor_app(state, routers, [build_alegra_inspection_router(store)], title="Alegra API sandbox")
