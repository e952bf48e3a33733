"""``GET /v1/store/info.json``.

The spec's ``Store`` schema is unwrapped, but two independent public integrations (one noting
it was "confirmed live") read ``{"store": {...}}``, consistent with every other Jumpseller
resource; the sandbox follows the live behaviour and the conformance test validates the inner
object against ``Store``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.jumpseller.store import JumpsellerStore


def build_store_router(store: JumpsellerStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    @router.get("/store/info.json")
    async def store_info() -> JSONResponse:
        return ok({"store": store.info})

    return router
