"""ASGI middleware that makes a sandbox behave like a vendor's edge: count, throttle, misbehave.

It is plain ASGI (not ``BaseHTTPMiddleware``) because a "lost response" must run the real handler,
swallow what it sends and answer something else, or cut the connection mid-response.
Order per vendor request: count arrival -> limiter (reject immediately, like an edge proxy) ->
latency -> injected 429 / 5xx (request not executed) -> handler -> maybe lose the response.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from puente_sandbox.common.faults import WRITE_METHODS
from puente_sandbox.common.state import INSPECTION_PREFIX, SandboxState
from puente_sandbox.common.vendor import HeaderList

DROPPED_STATUS = 0  # recorded in by_status when the connection was cut instead of answered

logger = logging.getLogger(__name__)


class _Outbound:
    """Wraps ``send``: appends vendor headers to the response start and remembers the status."""

    def __init__(self, send: Send | None, headers: HeaderList) -> None:
        self._send = send
        self._headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        self.status: int | None = None

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            if self._headers:
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *self._headers]
        if self._send is not None:
            await self._send(message)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, upstream: Receive) -> Receive:
    """Hand the already-read body to the app once, then fall back to the real channel."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await upstream()

    return receive


def _decode_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", errors="replace")


async def _drop_connection(send: Send) -> None:
    """Start a response and stop half-way: the server closes the socket, the client sees a cut."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})


class SandboxMiddleware:
    """Applies accounting, rate limits and faults to vendor paths (never to ``/_sandbox``)."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(INSPECTION_PREFIX):
            await self.app(scope, receive, send)
            return
        st = self.state
        profile = st.profile
        method = scope["method"]
        route = st.route_label(scope)
        st.accounting.record_arrival(route)

        decision = st.limiter.hit() if st.limiter is not None else None
        headers = profile.rate_headers(decision) if decision and profile.rate_headers else []
        out = _Outbound(send, headers)

        if decision is not None and not decision.allowed:
            st.accounting.rate_limited += 1
            await profile.rate_limited(decision)(scope, receive, out.send)
            st.accounting.record_status(out.status or 429)
            return

        plan = st.injector.plan(method)
        if plan.latency_s:
            st.accounting.record_fault("latency")
            await asyncio.sleep(plan.latency_s)
        if plan.inject_429 or plan.inject_5xx:
            kind = "429" if plan.inject_429 else "5xx"
            st.accounting.record_fault(kind)
            response = profile.rate_limited(decision) if plan.inject_429 else profile.server_error()
            await response(scope, receive, out.send)
            st.accounting.record_status(out.status or 500)
            return

        is_write = method in WRITE_METHODS
        body = b""
        if is_write:
            body = await _read_body(receive)
            receive = _replay(body, receive)

        if plan.lose_response:
            await self._lose_response(scope, receive, out, route, body)
            return

        try:
            await self.app(scope, receive, out.send)
        except Exception:
            # A sandbox bug must still look like the vendor failing (its 5xx body and headers),
            # not like a different server; the traceback goes to the log for whoever debugs it.
            logger.exception("sandbox handler crashed on %s %s", method, scope["path"])
            if out.status is not None:
                raise
            await profile.server_error()(scope, receive, out.send)
        status = out.status or 500
        st.accounting.record_status(status)
        if is_write:
            self._log_write(scope, route, body, status, status, lost=False)

    async def _lose_response(
        self, scope: Scope, receive: Receive, out: _Outbound, route: str, body: bytes
    ) -> None:
        """Execute and commit the write, then make sure the client never learns the outcome."""
        st = self.state
        swallowed = _Outbound(None, [])
        await self.app(scope, receive, swallowed.send)
        st.accounting.record_fault("lost_response")
        if st.injector.config.lost_response_mode == "drop":
            await _drop_connection(out.send)
            delivered = DROPPED_STATUS
        else:
            await st.profile.server_error()(scope, receive, out.send)
            delivered = out.status or 500
        st.accounting.record_status(delivered)
        self._log_write(scope, route, body, swallowed.status or 500, delivered, lost=True)

    def _log_write(
        self, scope: Scope, route: str, body: bytes, status: int, delivered: int, *, lost: bool
    ) -> None:
        self.state.accounting.record_write(
            method=scope["method"],
            path=scope["path"],
            route=route,
            query=scope.get("query_string", b"").decode("latin-1"),
            body=_decode_body(body),
            status=status,
            delivered_status=delivered,
            lost=lost,
        )
