"""The console page in Airflow's navigation: one HTML shell and its script and style, plus ``/api/me``.

Airflow 3 shows a plugin's ``external_views`` entry with a ``url_route`` inside its own UI (an iframe
with ``allow-same-origin``), so the page is served by the plugin's FastAPI app at ``/puente/console``
and its requests carry the UI's ``_token`` cookie: the same user and roles as the rest of Airflow.
The page is static (no data in the HTML); everything it shows comes from the JSON routes, which
check rights on every call. The shell and assets need a login too: every console route does.

Why no React bundle (``react_apps``): the page is a few tables and forms over the JSON API; a
bundle would need a Node build in ``make install`` and a second copy of Airflow's design system.
The look follows Airflow's (its colours, type and spacing), and light/dark follows the system.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.responses import Response

from puente.web.console_auth import ConsoleUserDep, console_user, tenant_dag_ids

ASSETS = {"console.js": "text/javascript", "console.css": "text/css", "icon.svg": "image/svg+xml"}
"""The only files the asset route serves (no path from the request reaches the file system)."""


def _asset(name: str) -> bytes:
    return resources.files("puente.web.console").joinpath(name).read_bytes()


def whoami(user: Any) -> dict[str, Any]:
    """The user's name and, per readable tenant, whether they may act: the page hides what they may not do
    (the action routes refuse it anyway)."""
    from puente.config.loader import load_tenants

    loaded = load_tenants()
    tenants = [{"tenant": tenant, "edit": user.can_edit(tenant_dag_ids(tenant))}
               for tenant in sorted(loaded.tenants) if user.can_read_tenant(tenant)]
    return {"user": user.name, "tenants": tenants}


def build_router() -> APIRouter:
    router = APIRouter(dependencies=[Depends(console_user)])

    @router.get("/console")
    def page(user: ConsoleUserDep) -> Response:
        return Response(_asset("console.html"), media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @router.get("/console/assets/{name}")
    def asset(name: str, user: ConsoleUserDep) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, f"no console asset {name!r}")
        return Response(_asset(name), media_type=ASSETS[name], headers={"X-Content-Type-Options": "nosniff"})

    @router.get("/api/me")
    def me(user: ConsoleUserDep) -> dict[str, Any]:
        return whoami(user)

    return router
