"""How Mercado Libre says no: ``{"message", "error", "status", "cause"}`` (and OAuth's own shape).

From ../shared/vendor-apis/mercadolibre.md §4: API errors carry ``message``, ``error`` (a
snake_case code), ``status`` and a ``cause`` list; 403s also carry ``code`` (``FORBIDDEN``).
Inferred there, and followed here: an expired or invalid access token is 401 ``{"message":
"invalid access token", "error": "not_found", ...}``; an unknown order is 404 ``"Order not
found"``; a refused refresh is 400 ``{"error": "invalid_grant", "error_description", "status",
"cause"}`` (OAuth's words, not the API's); a 429 body is ``"Too many requests"`` /
``too_many_requests``. Mercado Libre documents no ``Retry-After`` on 429 (its advice is
exponential backoff with jitter), so none is sent.

Rate limit: Mercado Libre publishes no figure ("per Client ID and per endpoint"). The sandbox
default, 1500 requests per minute for the whole app, is an (inferred) stand-in; tests pass small
budgets to provoke 429s.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile

DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((1500, 60.0),)  # (inferred) no public figure


def error_body(status: int, error: str, message: str, cause: list[Any] | None = None) -> dict[str, Any]:
    return {"message": message, "error": error, "status": status, "cause": list(cause or [])}


def meli_error(status: int, error: str, message: str, cause: list[Any] | None = None) -> VendorError:
    return VendorError(status, error_body(status, error, message, cause))


def bad_request(message: str) -> VendorError:
    """(inferred) a malformed search or parameter: 400 ``bad_request``."""
    return meli_error(400, "bad_request", message)


def invalid_token() -> VendorError:
    """(inferred, commonly observed) expired, revoked or unknown access token."""
    return meli_error(401, "not_found", "invalid access token")


def missing_token() -> VendorError:
    """(inferred) no ``Authorization`` header at all."""
    return meli_error(401, "unauthorized", "authorization value not present")


def forbidden() -> VendorError:
    """The documented 403 (for example a token that does not belong to the data owner)."""
    body = {"status": 403, "error": "access_denied", "message": "access to the requested resource is forbidden",
            "code": "FORBIDDEN"}  # fmt: skip
    return VendorError(403, body)


def not_found(resource: str) -> VendorError:
    return meli_error(404, "not_found", f"{resource} not found")


def oauth_error(error: str, description: str, status: int = 400) -> VendorError:
    """(inferred) ``/oauth/token`` refusals: OAuth 2.0 ``error`` + ``error_description``."""
    return VendorError(status, {"error": error, "error_description": description, "status": status, "cause": []})


def _rate_limited(_: RateDecision | None) -> JSONResponse:
    return JSONResponse(error_body(429, "too_many_requests", "Too many requests"), status_code=429)


MELI_PROFILE = VendorProfile(
    name="mercadolibre",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse(error_body(500, "internal_error", "Internal server error"), status_code=500),
    route_not_found=lambda: JSONResponse(error_body(404, "not_found", "resource not found"), status_code=404),
    method_not_allowed=lambda: JSONResponse(
        error_body(405, "method_not_allowed", "Method not allowed"), status_code=405
    ),
)
