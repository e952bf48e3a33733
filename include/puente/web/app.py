"""The FastAPI app the Airflow plugin mounts at /puente: vendor webhooks (public, they check the vendor's
secret) and the operations console (views and actions, behind Airflow's login)."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI

from puente.web import (
    actions_api,
    catalog_actions_api,
    console_page,
    freshness_api,
    ops,
    orders_bulk_api,
    views_api,
    webhooks,
)

URL_PREFIX = "/puente"


def create_app(trigger: Callable[[str, str, dict], bool] | None = None,
               clock: Callable[[], float] = time.time) -> FastAPI:
    """``trigger`` and ``clock`` are for tests: by default runs go to Airflow and events age by wall time."""
    app = FastAPI(title="Puente", docs_url=None, redoc_url=None)
    app.include_router(console_page.build_router())
    app.include_router(ops.build_router())
    app.include_router(views_api.build_router())
    app.include_router(actions_api.build_router())
    app.include_router(orders_bulk_api.build_router())
    app.include_router(catalog_actions_api.build_router(trigger))
    app.include_router(freshness_api.build_router(clock))
    app.include_router(webhooks.build_router(trigger, clock))
    return app
