"""The dry-run trap, closed where it is sprung: the api-server, around the trigger form's two requests.

The form (Airflow UI ``TriggerDAGForm``), on a paused DAG with "Unpause on trigger" ticked (the
default), sends ``PATCH /api/v2/dags/<dag>`` ``{"is_paused": false}`` and, without waiting, ``POST
/api/v2/dags/<dag>/dagRuns`` with the conf. Unpausing a scheduled DAG makes the scheduler create the
latest interval's run at once, with empty params, and that run writes for real. A task that refuses
``dry_run`` (``puente.operators.preview``) cannot help: the harm is the *other* run. So this root
middleware (a plugin's ``fastapi_root_middlewares``) treats the two requests as one gesture:

- ``POST .../dagRuns`` whose conf asks ``dry_run`` of a Puente flow DAG (scheduled; dry runs are
  ``<tenant>__preview``) is answered **400** with the reason and creates nothing. It is recorded in
  Airflow's audit log; if the same user unpaused that DAG in the last ``COMPANION_WINDOW_S`` seconds,
  the DAG is paused again and the scheduled runs that unpause queued are deleted.
- ``PATCH /api/v2/dags/<flow dag>`` that unpauses waits up to ``HOLD_S`` for its companion: if a dry-run
  request of the same user for that DAG is refused meanwhile (or just before), the unpause is answered
  **409** and not done. Either order of arrival therefore ends paused with no scheduled run. The cost:
  unpausing a flow DAG answers one second later.

Only authenticated users who may do the request are answered by the guard; anyone else passes
through to Airflow, which answers 401/403 exactly as without it. Every other request passes
untouched (the path test is a string match; bodies are read only for these two routes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HOLD_S = 1.0
COMPANION_WINDOW_S = 3.0  # the forwarded unpause's audit row is ms older than its companion
POLL_S = 0.1
MAX_BODY_BYTES = 1_000_000
_TRIGGER = re.compile(r"^/api/v2/dags/(?P<dag>[A-Za-z0-9_.-]{1,250})/dagRuns/?$")
_DAG = re.compile(r"^/api/v2/dags/(?P<dag>[A-Za-z0-9_.-]{1,250})/?$")


def flow_dag(dag_id: str) -> tuple[str, str] | None:
    """(tenant, flow) when ``dag_id`` is a scheduled Puente flow DAG of a tenant that has a file."""
    from puente.config.loader import tenant_paths
    from puente.factory import FLOW_BUILDERS
    from puente.task_ids import SEPARATOR

    tenant, separator, flow = dag_id.partition(SEPARATOR)
    if not separator or flow not in FLOW_BUILDERS or not tenant_paths(tenant):
        return None
    return tenant, flow


def asks_dry_run(body: bytes) -> bool:
    """The trigger body's ``conf`` asks a dry run (anything unreadable is Airflow's to refuse)."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return False
    conf = payload.get("conf") if isinstance(payload, dict) else None
    return isinstance(conf, dict) and bool(conf.get("dry_run"))


def unpauses(body: bytes) -> bool:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return False
    return isinstance(payload, dict) and payload.get("is_paused") is False


def refusal_text(dag_id: str, tenant: str, removed: list[str], started: list[str], repaused: bool) -> str:
    from puente.task_ids import PREVIEW, SEPARATOR

    text = (f"{dag_id} has no dry run: nothing was started. Preview in {tenant}{SEPARATOR}{PREVIEW} "
            "(param flow and the same options); it is never scheduled, so unpausing it writes nothing.")
    if repaused:
        text += f" {dag_id} was paused again: 'Unpause on trigger' had unpaused it for this request"
        text += f" (scheduled runs removed: {', '.join(removed)})." if removed else "."
    if started:
        text += f" A scheduled run had already started and was stopped (marked failed): {', '.join(started)}."
    return text


async def _user(scope: Scope) -> Any | None:
    """The Airflow user as the core API resolves it (bearer header, else the UI's cookie); None if not."""
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user
    from fastapi import HTTPException
    from starlette.requests import Request

    request = Request(scope)
    try:
        return await get_user(request, None, await bearer_scheme(request))
    except HTTPException:
        return None


def _may(user: Any, dag_id: str, *, trigger: bool) -> bool:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

    entity = DagAccessEntity.RUN if trigger else None
    return get_auth_manager().is_authorized_dag(method="POST" if trigger else "PUT", access_entity=entity,
                                                details=DagDetails(id=dag_id), user=user)


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it was complete within the bound (a longer one is passed on whole)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body") or size > MAX_BODY_BYTES:
            return b"".join(chunks), not message.get("more_body")


def _replay(body: bytes, receive: Receive, complete: bool) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class DryRunGuard:
    """ASGI middleware on the api-server's root app (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope.get("method"), scope.get("path", "")
        match = None
        if scope["type"] == "http" and method == "POST":
            match = _TRIGGER.match(path)
        elif scope["type"] == "http" and method == "PATCH":
            match = _DAG.match(path)
        if match is None:
            return await self.app(scope, receive, send)
        from starlette.concurrency import run_in_threadpool

        dag_id = match["dag"]
        flow = await run_in_threadpool(flow_dag, dag_id)
        if flow is None:
            return await self.app(scope, receive, send)
        body, complete = await _read(receive)
        guarded = (self._refuse_trigger if method == "POST" and asks_dry_run(body)
                   else self._hold_unpause if method == "PATCH" and unpauses(body) else None)
        if complete and guarded is not None and await guarded(scope, send, dag_id, flow[0]):
            return None
        return await self.app(scope, _replay(body, receive, complete), send)

    async def _refuse_trigger(self, scope: Scope, send: Send, dag_id: str, tenant: str) -> bool:
        from starlette.concurrency import run_in_threadpool

        from puente.web import pause_audit

        user = await _user(scope)
        if user is None or not _may(user, dag_id, trigger=True):
            return False
        name = str(user.get_name())
        await run_in_threadpool(pause_audit.record, pause_audit.REFUSED, dag_id, name, {"asked": "dry_run"})
        since = pause_audit.now() - timedelta(seconds=COMPANION_WINDOW_S)
        unpaused = await run_in_threadpool(pause_audit.unpaused_at, dag_id, name, since)
        removed: list[str] = []
        started: list[str] = []
        if unpaused is not None:
            removed, started = await run_in_threadpool(pause_audit.pause_again, dag_id, name, unpaused, HOLD_S * 3)
        await _answer(send, 400, refusal_text(dag_id, tenant, removed, started, unpaused is not None))
        return True

    async def _hold_unpause(self, scope: Scope, send: Send, dag_id: str, tenant: str) -> bool:
        import asyncio

        from starlette.concurrency import run_in_threadpool

        from puente.task_ids import PREVIEW, SEPARATOR
        from puente.web import pause_audit

        user = await _user(scope)
        if user is None or not _may(user, dag_id, trigger=False):
            return False
        name = str(user.get_name())
        since = pause_audit.now() - timedelta(seconds=HOLD_S)  # the form sends both at once
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HOLD_S
        while True:
            if await run_in_threadpool(pause_audit.refused_since, dag_id, name, since):
                await _answer(send, 409, f"{dag_id} stays paused: it came with a dry-run request, which this DAG "
                                         f"does not do. Preview in {tenant}{SEPARATOR}{PREVIEW}.")
                return True
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(POLL_S)
