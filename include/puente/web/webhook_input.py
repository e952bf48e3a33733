"""Hostile-input handling shared by the vendor webhook receivers: bounded bodies, one-line refusals.

Why a module of its own: every receiver (Bsale today, Jumpseller / Mercado Libre next) meets the
same attacks before any vendor logic runs: bodies too large to buffer, bodies that are not JSON or
not an object, and fields a run id cannot hold. Each gets a 4xx with a one-line reason, logged,
and nothing triggered; never a 500.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

log = logging.getLogger("puente.webhooks")

Model = TypeVar("Model", bound=BaseModel)
MAX_BODY_BYTES = 1024 * 1024  # vendors send small JSON notifications; 1 MB is far above any of them


class Refused(Exception):
    """A webhook request answered with ``status`` and a one-line ``reason``; nothing was triggered."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused (413) as soon as it is known to exceed ``limit``: from the declared
    Content-Length before anything is read, else while streaming (chunked bodies)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refused(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise Refused(413, f"body of {int(declared)} bytes is over the {limit}-byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, f"body is over the {limit}-byte limit")
    return bytes(body)


def json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise Refused(400, "empty body: expected a JSON object")
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, f"body is not JSON ({exc.__class__.__name__})") from None
    if not isinstance(value, dict):
        raise Refused(400, f"expected a JSON object, got a JSON {type(value).__name__}")
    return value


def parse_event(model: type[Model], payload: dict[str, Any]) -> Model:
    """Validate an event; the first problem becomes a 422 naming the field (never the value: it may be huge)."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(body)"
        raise Refused(422, f"{where}: {first['msg']}") from None


def log_refusal(vendor: str, tenant: str, refused: Refused) -> None:
    # The vendor and tenant segments are the caller's: cap and escape them so a log line stays one line.
    log.warning("webhook %r/%r refused %d: %s", vendor[:40], tenant[:80], refused.status, refused.reason)


@dataclass(frozen=True)
class Planned:
    """A vendor event's receiver asks for this run (its id comes from the event: one run per event)."""

    dag_id: str
    run_id: str
    conf: dict


@dataclass(frozen=True)
class Dropped:
    """A well-formed, authentic event that starts nothing (too old, or not about anything Puente runs)."""

    status: str
    reason: str
    topic: str | None = None
