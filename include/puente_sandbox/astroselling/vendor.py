"""How Astroselling's Jupiter API says no, and its list conventions (``limit``/``offset``).

Documented (Jupiter README, ``astroselling/jupiter-sdk``): a bad or missing ``api_token`` is HTTP
401 (the SDK surfaces "Unauthorized" / "Unauthenticated"); a PUT on an unknown product is 404 (the
SDK then falls back to POST); writes succeed with 200, never 201; lists take ``limit``/``offset``
and answer ``{"data": [...], "meta_data": {...}}``.

Inferred (the platform is Laravel; the notes mark these so):

* bodies are Laravel's: 401 ``{"message": "Unauthenticated."}``, 403 ``{"message": "This action is
  unauthorized."}`` (a channel of another account), 404 ``{"message": "Not Found."}``, 422
  ``{"message": "The given data was invalid.", "errors": {field: [text]}}``, 429 ``{"message": "Too
  Many Attempts."}`` with ``Retry-After``, 500 ``{"message": "Server Error"}``;
* the rate limit: Astroselling publishes none; Laravel's default ``throttle:api`` is **60 requests
  per minute** per user, with ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` on every answer;
* ``meta_data`` is ``{"total", "limit", "offset"}`` (the orders contract in the notes), ``limit``
  defaults to 20 (the README's example) and is capped at 500 (what the SDK asks for).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import HeaderList, VendorError, VendorProfile

API_PREFIX = "/jupiter/v1"
DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((60, 60.0),)  # inferred: Laravel throttle:api
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
INVALID = "The given data was invalid."

T = TypeVar("T")


def message(status: int, text: str, headers: dict[str, str] | None = None) -> VendorError:
    return VendorError(status, {"message": text}, headers)


def unauthenticated() -> VendorError:
    return message(401, "Unauthenticated.")


def forbidden() -> VendorError:
    return message(403, "This action is unauthorized.")


def not_found() -> VendorError:
    return message(404, "Not Found.")


def invalid(errors: dict[str, list[str]]) -> VendorError:
    """A 422 validation refusal (nothing was changed)."""
    return VendorError(422, {"message": INVALID, "errors": errors})


def rate_headers(decision: RateDecision) -> HeaderList:
    """Laravel's ``ThrottleRequests`` headers, from the tightest budget."""
    if not decision.budgets:
        return []
    tightest = min(decision.budgets, key=lambda b: b.remaining)
    return [("X-RateLimit-Limit", str(tightest.limit)), ("X-RateLimit-Remaining", str(tightest.remaining))]


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "1"
    return JSONResponse({"message": "Too Many Attempts."}, status_code=429, headers={"Retry-After": retry_after})


ASTROSELLING_PROFILE = VendorProfile(
    name="astroselling",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse({"message": "Server Error"}, status_code=500),
    route_not_found=lambda: JSONResponse({"message": "Not Found."}, status_code=404),
    method_not_allowed=lambda: JSONResponse({"message": "The method is not supported for this route."}, 405),
    rate_headers=rate_headers,
)


def _non_negative_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid({name: [f"The {name} must be an integer."]}) from exc
    if value < 0:
        raise invalid({name: [f"The {name} must be at least 0."]})
    return value


def offset_page(request: Request, records: Sequence[T]) -> dict[str, Any]:
    """One ``limit``/``offset`` page of ``records`` (already filtered and ordered)."""
    limit = min(_non_negative_int(request, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT, MAX_LIMIT)
    offset = _non_negative_int(request, "offset", 0)
    return {
        "data": list(records[offset : offset + limit]),
        "meta_data": {"total": len(records), "limit": limit, "offset": offset},
    }


async def json_object(request: Request) -> dict[str, Any]:
    """A write body; anything but a JSON object is a 422 (inferred)."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid({"body": ["The body must be a JSON object."]}) from exc
    if not isinstance(body, dict):
        raise invalid({"body": ["The body must be a JSON object."]})
    return body
