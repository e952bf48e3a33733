"""Jumpseller webhooks (``/v1/hooks*``) and their inspection (``/_sandbox/hooks*``).

Vendor contract (official OpenAPI, tag Hooks; auth as every route):

* ``GET /v1/hooks.json?page&limit``: bare array of ``{"hook": {id, name, event, url, created_at}}``
  (``Hook``/``HookFields``), oldest first, paged like every list (limit 50, at most 100).
* ``POST /v1/hooks.json`` body ``{"hook": {"event", "url"}}`` (``HookEdit``: both required, ``event``
  one of the enum): 200 with the ``Hook``. The spec documents no validation error; a missing or
  unknown field is answered 400 ``{"message": "Bad request, check your parameters"}`` like the
  other writes (inferred), and so is a ``url`` that is not an absolute http(s) URL.
* ``GET|PUT /v1/hooks/{id}.json``: the ``Hook`` (PUT takes a ``HookEdit``); ``DELETE``: 200 with a
  JSON string (the spec's schema is ``string``; its text is inferred). An unknown id is 404
  ``{"message": "Hook Not Found."}``.

Inspection: ``GET /_sandbox/hooks`` (the hooks, and ``removed``: those deleted after failing
deliveries, with the reason), ``GET /_sandbox/hooks/deliveries`` (every delivery: headers, body,
each attempt's status or error and duration, state), ``POST /_sandbox/hooks/settings``
``{"timeout_s", "minute_s", "max_attempts"}`` (scale the delivery behaviour), ``POST
/_sandbox/hooks/drain`` (wait until no delivery is in flight).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.inspection import inspection_error, read_json_object
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.jumpseller.hooks import HOOK_EVENTS, StoreHooks
from puente_sandbox.jumpseller.store import JumpsellerStore
from puente_sandbox.jumpseller.vendor import BAD_PARAMS, message, paging, wrapped_object

HOOK_NOT_FOUND = "Hook Not Found."
MAX_URL_CHARS = 2000


def _hook_json(hook: dict[str, Any]) -> dict[str, Any]:
    return {"hook": {key: hook[key] for key in ("id", "name", "event", "url", "created_at")}}


def _parse_hook(payload: dict[str, Any]) -> tuple[str, str]:
    event, url = payload.get("event"), payload.get("url")
    if event not in HOOK_EVENTS or not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise message(400, BAD_PARAMS)
    try:
        parts = urlsplit(url)
    except ValueError:
        raise message(400, BAD_PARAMS) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise message(400, BAD_PARAMS)
    return event, url


def build_hook_router(store: JumpsellerStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])
    hooks: StoreHooks = store.hooks

    def get_hook(raw_id: str) -> dict[str, Any]:
        try:
            hook = hooks.hooks.get(int(raw_id))
        except ValueError:
            hook = None
        if hook is None:
            raise message(404, HOOK_NOT_FOUND)
        return hook

    @router.get("/hooks.json")
    async def list_hooks(request: Request) -> JSONResponse:
        page, limit = paging(request)
        ordered = [hooks.hooks[i] for i in sorted(hooks.hooks)]
        return ok([_hook_json(h) for h in islice(ordered, (page - 1) * limit, page * limit)])

    @router.post("/hooks.json")
    async def create_hook(request: Request) -> JSONResponse:
        event, url = _parse_hook(await wrapped_object(request, "hook"))
        return ok(_hook_json(hooks.add(event, url)))

    @router.get("/hooks/{hook_id}.json")
    async def read_hook(hook_id: str) -> JSONResponse:
        return ok(_hook_json(get_hook(hook_id)))

    @router.put("/hooks/{hook_id}.json")
    async def update_hook(hook_id: str, request: Request) -> JSONResponse:
        hook = get_hook(hook_id)
        event, url = _parse_hook(await wrapped_object(request, "hook"))
        return ok(_hook_json(hooks.update(hook["id"], event, url)))

    @router.delete("/hooks/{hook_id}.json")
    async def delete_hook(hook_id: str) -> JSONResponse:
        hooks.delete(get_hook(hook_id)["id"])
        return ok("Hook deleted.")

    return router


def build_hook_inspection_router(store: JumpsellerStore) -> APIRouter:
    router = APIRouter(prefix=f"{INSPECTION_PREFIX}/hooks")
    hooks: StoreHooks = store.hooks

    @router.get("")
    async def registered() -> JSONResponse:
        return ok({"hooks": [hooks.hooks[i] for i in sorted(hooks.hooks)], "removed": hooks.removed})

    @router.get("/deliveries")
    async def deliveries() -> JSONResponse:
        return ok([delivery.as_dict() for delivery in hooks.deliveries])

    @router.post("/settings")
    async def settings(request: Request) -> JSONResponse:
        try:
            body = await read_json_object(request)
        except ValueError as exc:
            return inspection_error(str(exc))
        for name, kind in (("timeout_s", float), ("minute_s", float), ("max_attempts", int)):
            if name in body:
                value = body[name]
                if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                    return inspection_error(f"{name} must be a positive number")
                setattr(hooks.settings, name, kind(value))
        return ok(vars(hooks.settings))

    @router.post("/drain")
    async def drain() -> JSONResponse:
        await hooks.drain()
        return ok({"in_flight": 0})

    return router
