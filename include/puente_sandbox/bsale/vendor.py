"""How Bsale says no: auth, not-found, rate-limit and server-error answers (docs.bsale.dev FAQ).

Bsale publishes no rate limit. Its FAQ lists a 500 ``"The requested resource is not available"``
whose causes include "the rate limit of our API"; the public SDK expects 429 + ``Retry-After``.
So a configured limit answers 429 with ``Retry-After`` (seconds) and injected 5xx use the 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN

AUTH_FAILED = "Sorry, this request can not be authenticated"
RESOURCE_NOT_AVAILABLE = "The requested resource is not available"
INVALID_JSON = "Invalid JSON object"


def error(status: int, message: str) -> VendorError:
    return VendorError(status, {"error": message})


def not_found(resource: str) -> VendorError:
    return error(404, f"{resource} not found")


def bad_request(message: str) -> VendorError:
    return error(400, message)


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "1"
    return JSONResponse({"error": "Too Many Requests"}, status_code=429, headers={"Retry-After": retry_after})


BSALE_PROFILE = VendorProfile(
    name="bsale",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse({"error": RESOURCE_NOT_AVAILABLE}, status_code=500),
    route_not_found=lambda: JSONResponse({"error": RESOURCE_NOT_AVAILABLE}, status_code=404),
    method_not_allowed=lambda: JSONResponse({"error": "Method Not Allowed"}, status_code=405),
)


def require_access_token(expected: str = DEFAULT_ACCESS_TOKEN) -> Callable[[Request], None]:
    """FastAPI dependency: the ``access_token`` header must match (Bsale's only auth for the API)."""

    def check(request: Request) -> None:
        if request.headers.get("access_token") != expected:
            raise error(401, AUTH_FAILED)

    return check


async def json_object(request: Request) -> dict[str, Any]:
    """Parse a write body; anything but a JSON object is Bsale's ``Invalid JSON object``."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise bad_request(INVALID_JSON) from exc
    if not isinstance(body, dict):
        raise bad_request(INVALID_JSON)
    return body


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_number(value: Any) -> float | None:
    """Bsale accepts numbers or numeric strings (``"32.22"``); booleans are not numbers."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None
