"""The ``/_sandbox`` routes every sandbox shares: health, counters, faults and the write log.

They live outside the vendor's paths, need no auth and are never throttled or faulted, so a
test can always ask "what happened?" even while the vendor side is failing on purpose.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import JSONResponse

from puente_sandbox.common.faults import FaultConfig
from puente_sandbox.common.http import ok
from puente_sandbox.common.state import INSPECTION_PREFIX, SandboxState


async def read_json_object(request: Request) -> dict[str, Any]:
    """Parse an inspection request body; an empty body means ``{}``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def inspection_error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def build_inspection_router(state: SandboxState) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/health")
    async def health() -> JSONResponse:
        return ok({"status": "ok", "vendor": state.vendor})

    @router.get("/counters")
    async def counters() -> JSONResponse:
        return ok(state.counters())

    @router.post("/counters/reset")
    async def reset_counters() -> JSONResponse:
        state.reset_counters()
        return ok(state.counters())

    @router.get("/faults")
    async def get_faults() -> JSONResponse:
        return ok(state.injector.config.model_dump())

    @router.post("/faults")
    async def set_faults(request: Request) -> JSONResponse:
        try:
            config = FaultConfig.model_validate(await read_json_object(request))
        except (ValueError, ValidationError) as exc:
            return inspection_error(str(exc))
        state.injector.configure(config)
        return ok(config.model_dump())

    @router.get("/writes")
    async def writes() -> JSONResponse:
        return ok([record.as_dict() for record in state.accounting.writes])

    return router
