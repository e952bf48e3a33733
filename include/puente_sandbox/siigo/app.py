"""``create_app``: a Siigo Nube API sandbox on FastAPI (``https://api.siigo.com`` stand-in).

Follows the official API Blueprint (``siigo-api.apib``) for the endpoints Puente uses: ``POST
/auth``; ``/v1/products`` (+ ``/{id}``), ``/v1/customers`` (+ ``/{id}``, POST), ``/v1/invoices``
(+ ``/{id}``, POST with ``Idempotency-Key``); the catalogs ``/v1/users``, ``/v1/document-types``,
``/v1/payment-types``, ``/v1/cost-centers``, ``/v1/taxes``, ``/v1/warehouses``,
``/v1/price-lists``; ``/v1/webhooks`` with product events delivered to the subscribed URLs
(:mod:`webhooks`, :mod:`routes_webhooks`). Everything else in the Blueprint (quotations, credit
notes, purchases, vouchers, journals, reports, invoice PUT/DELETE/annul/mail/pdf/xml, batches) answers
Siigo's 404 envelope: not needed by Puente's flows yet.

Budget: 100 requests per minute per company ("Límite de solicitudes"), every path counted,
``/auth`` included; pass ``TEST_COMPANY_RATE_LIMITS`` for the 10/min test company, ``None`` for
no limit. Faults (latency, 429, 5xx, lost responses) and ``/_sandbox`` come from the shared
machinery; Siigo-specific inspection routes are in :mod:`inspection`.
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
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_USER
from puente_sandbox.siigo.inspection import build_siigo_inspection_router
from puente_sandbox.siigo.routes_auth import build_auth_router, require_token
from puente_sandbox.siigo.routes_catalogs import build_catalog_router
from puente_sandbox.siigo.routes_customers import build_customer_router
from puente_sandbox.siigo.routes_invoices import build_invoice_router
from puente_sandbox.siigo.routes_webhooks import build_product_changes_router, build_webhook_router
from puente_sandbox.siigo.seed import SiigoSeed
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import DEFAULT_RATE_LIMITS, SIIGO_PROFILE

_DEFAULT = object()


def create_app(
    store: SiigoStore | SiigoSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | object | None = _DEFAULT,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """``store`` may be a ready store, seed data (default credentials) or None (default seed).

    ``rate_limits`` defaults to Siigo's 100/min; ``None`` disables the limit.
    """
    if not isinstance(store, SiigoStore):
        store = SiigoStore(store, username=DEFAULT_SIIGO_USER, access_key=DEFAULT_SIIGO_ACCESS_KEY)
    budgets = DEFAULT_RATE_LIMITS if rate_limits is _DEFAULT else rate_limits
    state = SandboxState(
        profile=SIIGO_PROFILE,
        store=store,
        rate_limits=budgets,
        faults=faults,
        clock=clock,  # type: ignore[arg-type]
    )
    auth = require_token(store)
    routers = [
        build_auth_router(store),
        build_catalog_router(store, auth),
        build_customer_router(store, auth),
        build_invoice_router(store, auth),
        build_webhook_router(store, auth),
    ]
    inspection = [build_siigo_inspection_router(store), build_product_changes_router(store)]
    return build_vendor_app(state, routers, inspection, title="Siigo API sandbox")
