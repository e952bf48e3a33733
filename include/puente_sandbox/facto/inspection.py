"""Facto test helpers under ``/_sandbox``.

* ``GET /_sandbox/documents``: every document Facto created (status 0 and 2), in emission order,
  with ``seq, status, tipo_dte, folio, fecha_emision, identificador_externo_doc, receptor_rut,
  mensaje_error, encabezado, detalles, referencias, totales, enlaces``. Rejected calls (status 1)
  create nothing and are only in ``/_sandbox/writes``.
* ``GET /_sandbox/draft`` / ``POST /_sandbox/draft`` ``{"enabled": true, "message": "..."}``:
  while enabled, valid emissions answer status 2 (saved as a draft, not sent to the SII) with the
  message (default: the doc's certificate example). ``{"enabled": false}`` switches it off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.facto.store import DEFAULT_DRAFT_MESSAGE, FactoStore


def build_facto_inspection_router(store: FactoStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    def draft_state() -> dict[str, object]:
        return {"enabled": store.draft_message is not None, "message": store.draft_message}

    @router.get("/documents")
    async def documents() -> JSONResponse:
        return ok([d.as_dict() for d in store.documents])

    @router.get("/draft")
    async def get_draft() -> JSONResponse:
        return ok(draft_state())

    @router.post("/draft")
    async def set_draft(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        enabled = body.get("enabled", True)
        if not isinstance(enabled, bool):
            return inspection_error("'enabled' must be true or false")
        store.draft_message = str(body.get("message") or DEFAULT_DRAFT_MESSAGE) if enabled else None
        return ok(draft_state())

    return router
