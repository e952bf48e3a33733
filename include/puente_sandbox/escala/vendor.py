"""How Escala authenticates, pages and says no (see ../shared/vendor-apis/escala.md).

Facts from the notes: every call carries ``x-api-key``; a wrong key answers **403** with a JSON
``message`` (a public client reads ``message`` on 403); lists take a **0-based** ``page`` and a
``size`` and answer ``{"items": [...], "total": N}``.

Inferred (marked so in the notes, or chosen here because no source showed it):

* a *missing* key answers 401 ``{"message": "Unauthorized"}``, a wrong one 403 ``{"message": "Forbidden"}``;
* validation errors answer 400 ``{"message": ..., "errors": [{"field", "message"}]}``;
* an unknown id or path answers 404 ``{"message": "Not found"}``; a crash 500 ``{"message": "Internal server error"}``;
* rate limit: undocumented. The sandbox defaults to 10 requests/second per key and answers 429
  ``{"message": "Too many requests"}`` (the notes' shape) with ``Retry-After`` in seconds;
* ``size`` defaults to 20 and is silently capped at 200 (public clients ask for 50, 100 and 200).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import Budget, RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile
from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY

T = TypeVar("T")

API_KEY_HEADER = "x-api-key"
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
NOT_FOUND = "Not found"
TOO_MANY_REQUESTS = "Too many requests"
VALIDATION_FAILED = "Validation failed"
INVALID_JSON = "Invalid JSON body"

DEFAULT_PAGE_SIZE = 20  # inferred
MAX_PAGE_SIZE = 200  # inferred: the largest size seen in public client code
DEFAULT_RATE_LIMITS: tuple[Budget, ...] = ((10, 1.0),)  # inferred: Escala publishes no limit


def message(status: int, text: str, errors: Sequence[dict[str, str]] | None = None) -> VendorError:
    body: dict[str, Any] = {"message": text}
    if errors:
        body["errors"] = list(errors)
    return VendorError(status, body)


def not_found() -> VendorError:
    return message(404, NOT_FOUND)


def field_error(field: str, problem: str) -> dict[str, str]:
    return {"field": field, "message": problem}


def validation_error(errors: Sequence[dict[str, str]]) -> VendorError:
    """400 with every problem found, so a caller fixes a payload in one round trip."""
    return message(400, VALIDATION_FAILED, errors)


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "1"
    return JSONResponse({"message": TOO_MANY_REQUESTS}, status_code=429, headers={"Retry-After": retry_after})


ESCALA_PROFILE = VendorProfile(
    name="escala",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse({"message": "Internal server error"}, status_code=500),
    route_not_found=lambda: JSONResponse({"message": NOT_FOUND}, status_code=404),
    method_not_allowed=lambda: JSONResponse({"message": "Method not allowed"}, status_code=405),
)


def require_api_key(expected: str = DEFAULT_ESCALA_API_KEY) -> Callable[[Request], None]:
    """FastAPI dependency: no ``x-api-key`` is 401, a wrong one 403 (both ``{"message"}``)."""

    def check(request: Request) -> None:
        given = request.headers.get(API_KEY_HEADER)
        if not given:
            raise message(401, UNAUTHORIZED)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise message(403, FORBIDDEN)

    return check


async def json_object(request: Request) -> dict[str, Any]:
    """A write body must be a JSON object (400 otherwise)."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise message(400, INVALID_JSON) from exc
    if not isinstance(body, dict):
        raise message(400, INVALID_JSON)
    return body


def _non_negative_int(raw: Any, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise validation_error([field_error(name, "must be a non-negative integer")]) from None
    if value < 0:
        raise validation_error([field_error(name, "must be a non-negative integer")])
    return value


def paging(page: Any, size: Any) -> tuple[int, int]:
    """``(page, size)``: 0-based page; ``size`` defaults to 20, 0 means the default, capped at 200."""
    page_number = _non_negative_int(page, "page") or 0
    page_size = _non_negative_int(size, "size") or DEFAULT_PAGE_SIZE
    return page_number, min(page_size, MAX_PAGE_SIZE)


def page_envelope(
    records: Sequence[T], page: Any, size: Any, serialize: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    """``{"items": [...], "total": N}``: no next link, the client stops on a short page or ``total``."""
    page_number, page_size = paging(page, size)
    start = page_number * page_size
    return {"items": [serialize(r) for r in records[start : start + page_size]], "total": len(records)}


def page_params(request: Request) -> tuple[str | None, str | None]:
    query = request.query_params
    return query.get("page"), query.get("size")
