"""The FastAPI app the Airflow plugin mounts at /puente (webhooks + operations view)."""

from __future__ import annotations

from fastapi import FastAPI

from puente.web import ops, webhooks

URL_PREFIX = "/puente"


def create_app(trigger=None) -> FastAPI:
    app = FastAPI(title="Puente", docs_url=None, redoc_url=None)
    app.include_router(ops.build_router())
    app.include_router(webhooks.build_router(trigger))
    return app
