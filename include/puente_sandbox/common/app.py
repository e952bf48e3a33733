"""Assemble a vendor sandbox FastAPI app from vendor routers plus the shared machinery."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.inspection import build_inspection_router
from puente_sandbox.common.middleware import SandboxMiddleware
from puente_sandbox.common.state import INSPECTION_PREFIX, SandboxState
from puente_sandbox.common.vendor import VendorError


def build_vendor_app(
    state: SandboxState,
    vendor_routers: Iterable[APIRouter],
    inspection_routers: Iterable[APIRouter] = (),
    *,
    title: str,
) -> FastAPI:
    """FastAPI's own docs and error shapes are switched off: only the vendor's shapes leak out."""
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sandbox = state
    # Routers are fully built (prefix and auth dependency applied), so their routes are adopted
    # as they are; ``include_router`` would rebuild every route, doubling app start-up time.
    for router in (build_inspection_router(state), *inspection_routers, *vendor_routers):
        app.router.routes.extend(router.routes)
    state.routes = tuple(
        r for r in app.router.routes if not getattr(r, "path", "").startswith(INSPECTION_PREFIX)
    )

    async def vendor_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, VendorError)
        return exc.to_response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith(INSPECTION_PREFIX):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        if exc.status_code == 405:
            return state.profile.method_not_allowed()
        return state.profile.route_not_found()

    async def unexpected_error(_: Request, exc: Exception) -> Response:
        return state.profile.server_error()

    app.add_exception_handler(VendorError, vendor_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
    app.add_middleware(SandboxMiddleware, state=state)
    return app
