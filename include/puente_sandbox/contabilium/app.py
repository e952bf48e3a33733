"""``create_app``: a Contabilium REST API sandbox on FastAPI (``https://rest.contabilium.com`` stand-in).

Faithful to ../shared/vendor-apis/contabilium.md for the endpoints the Contabilium <-> Jumpseller
integration uses: ``POST /token``; conceptos, stock per depósito, price lists, points of sale,
sale conditions and company info (``routes_catalog``); clients (``routes_clients``); comprobantes
and the e-mail route (``routes_invoices``). Everything else answers ASP.NET's 404 ``Message``.

Budget: 30 requests per 10 s ("30 req / 10 s per IP", quoted from the docs by an integrator),
every path counted, ``/token`` included (inferred); ``None`` disables it. Faults (latency, 429,
5xx, lost responses) and ``/_sandbox`` come from the shared machinery; Contabilium-specific
inspection routes are in :mod:`inspection`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI

from puente_sandbox.common.accounting import Clock
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.ratelimit import Budget
from puente_sandbox.common.state import SandboxState
from puente_sandbox.contabilium.inspection import build_contabilium_inspection_router
from puente_sandbox.contabilium.routes_auth import build_auth_router, require_token
from puente_sandbox.contabilium.routes_catalog import build_catalog_router
from puente_sandbox.contabilium.routes_clients import build_client_router
from puente_sandbox.contabilium.routes_invoices import build_invoice_router
from puente_sandbox.contabilium.seed import ContabiliumSeed
from puente_sandbox.contabilium.store import ContabiliumStore
from puente_sandbox.contabilium.vendor import CONTABILIUM_PROFILE, DEFAULT_RATE_LIMITS
from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET

_DEFAULT = object()


def create_app(
    store: ContabiliumStore | ContabiliumSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | object | None = _DEFAULT,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """``store`` may be a ready store, seed data (default credentials) or None (default seed).

    ``rate_limits`` defaults to Contabilium's 30 per 10 s; ``None`` disables the limit.
    """
    if not isinstance(store, ContabiliumStore):
        store = ContabiliumStore(
            store, client_id=DEFAULT_CONTABILIUM_CLIENT_ID, client_secret=DEFAULT_CONTABILIUM_CLIENT_SECRET
        )
    budgets = DEFAULT_RATE_LIMITS if rate_limits is _DEFAULT else rate_limits
    state = SandboxState(
        profile=CONTABILIUM_PROFILE,
        store=store,
        rate_limits=budgets,  # type: ignore[arg-type]
        faults=faults,
        clock=clock,
    )
    auth = require_token(store)
    routers = [
        build_auth_router(store),
        build_catalog_router(store, auth),
        build_client_router(store, auth),
        build_invoice_router(store, auth),
    ]
    return build_vendor_app(
        state, routers, [build_contabilium_inspection_router(store)], title="Contabilium API sandbox"
    )
