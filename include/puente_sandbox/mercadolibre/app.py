"""``create_app``: a Mercado Libre API sandbox on FastAPI (``https://api.mercadolibre.com`` stand-in).

Serves what Puente reads for orders (issue 4: "read orders ... directly from Mercado Libre"):
``POST /oauth/token`` (:mod:`routes_auth`), ``/users/me``, ``/orders/search``, ``/orders/{id}``,
billing info and ``/shipments/{id}`` (:mod:`routes_orders`), order notifications delivered to the
application's callback URL and ``/missed_feeds`` (:mod:`notifications`, :mod:`routes_notifications`).
Items, packs and the rest of the API answer Mercado Libre's 404 body: not needed yet.

Budget: Mercado Libre publishes none; the (inferred) default counts every path, ``/oauth/token``
included, against one app-wide budget (the vendor counts per Client ID and per endpoint). Faults
(latency, 429, 5xx, lost responses) and ``/_sandbox`` come from the shared machinery.
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
from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.mercadolibre.inspection import build_mercadolibre_inspection_router
from puente_sandbox.mercadolibre.notifications import MercadoLibreNotifier
from puente_sandbox.mercadolibre.routes_auth import build_auth_router, require_token
from puente_sandbox.mercadolibre.routes_notifications import (
    build_missed_feeds_router,
    build_notifications_inspection_router,
)
from puente_sandbox.mercadolibre.routes_orders import build_orders_router
from puente_sandbox.mercadolibre.seed import MercadoLibreSeed
from puente_sandbox.mercadolibre.store import MercadoLibreStore
from puente_sandbox.mercadolibre.vendor import DEFAULT_RATE_LIMITS, MELI_PROFILE

_DEFAULT = object()


def default_store(data: MercadoLibreSeed | None = None, **kwargs: object) -> MercadoLibreStore:
    """A store with the sandbox app credentials (``puente_sandbox.credentials``)."""
    return MercadoLibreStore(
        data,
        client_id=DEFAULT_MELI_CLIENT_ID,
        client_secret=DEFAULT_MELI_CLIENT_SECRET,
        initial_refresh_token=DEFAULT_MELI_REFRESH_TOKEN,
        **kwargs,  # type: ignore[arg-type]
    )


def notifier_of(store: MercadoLibreStore) -> MercadoLibreNotifier:
    """The store's application notifier (one per store: its listener sends the order notifications)."""
    if store.notifier is None:
        store.notifier = MercadoLibreNotifier(int(store.client_id), int(store.seller["id"]))
        store.order_listeners.append(store.notifier.on_order)
    return store.notifier


def create_app(
    store: MercadoLibreStore | MercadoLibreSeed | None = None,
    *,
    rate_limits: Sequence[Budget] | object | None = _DEFAULT,
    faults: FaultConfig | None = None,
    clock: Clock = time.monotonic,
) -> FastAPI:
    """``store`` may be a ready store, seed data (default credentials) or None (default seed)."""
    if not isinstance(store, MercadoLibreStore):
        store = default_store(store)
    budgets = DEFAULT_RATE_LIMITS if rate_limits is _DEFAULT else rate_limits
    state = SandboxState(profile=MELI_PROFILE, store=store, rate_limits=budgets, faults=faults, clock=clock)  # type: ignore[arg-type]
    notifier = notifier_of(store)
    auth = require_token(store)
    routers = [build_auth_router(store), build_orders_router(store, auth),
               build_missed_feeds_router(store, notifier, auth)]
    inspection = [build_mercadolibre_inspection_router(store), build_notifications_inspection_router(notifier)]
    return build_vendor_app(state, routers, inspection, title="Mercado Libre API sandbox")
