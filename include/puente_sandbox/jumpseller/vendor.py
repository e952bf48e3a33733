"""How Jumpseller authenticates and says no (official OpenAPI spec, ``Jumpseller/api-docs``).

Auth is HTTP Basic ``login:authtoken`` or the deprecated ``?login=&authtoken=`` query form.
Errors use ``{"message": ...}`` (``NotFound``/``BadParams`` schemas). The spec documents 429
with no body and no ``Retry-After``; every response carries the four ``Jumpseller-Per*RateLimit-*``
headers. The spec documents no 401 or 500 body, so those use the same ``{"message"}`` shape.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import HeaderList, VendorError, VendorProfile

PRODUCT_NOT_FOUND = "Product Not Found."
BAD_PARAMS = "Bad request, check your parameters"
PER_MINUTE, PER_SECOND = 60.0, 1.0
DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((20, PER_SECOND), (800, PER_MINUTE))


def message(status: int, text: str) -> VendorError:
    return VendorError(status, {"message": text})


def product_not_found() -> VendorError:
    return message(404, PRODUCT_NOT_FOUND)


def rate_headers(decision: RateDecision) -> HeaderList:
    headers: HeaderList = []
    for window, label in ((PER_MINUTE, "PerMinute"), (PER_SECOND, "PerSecond")):
        budget = decision.budget(window)
        if budget is not None:
            headers.append((f"Jumpseller-{label}RateLimit-Limit", str(budget.limit)))
            headers.append((f"Jumpseller-{label}RateLimit-Remaining", str(budget.remaining)))
    return headers


JUMPSELLER_PROFILE = VendorProfile(
    name="jumpseller",
    rate_limited=lambda _decision: Response(status_code=429),
    server_error=lambda: JSONResponse({"message": "Internal Server Error"}, status_code=500),
    route_not_found=lambda: JSONResponse({"message": "Not Found"}, status_code=404),
    method_not_allowed=lambda: JSONResponse({"message": "Method Not Allowed"}, status_code=405),
    rate_headers=rate_headers,
)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, sep, token = decoded.partition(":")
    return (login, token) if sep else None


def require_store_credentials(login: str, authtoken: str) -> Callable[[Request], None]:
    """FastAPI dependency accepting Basic auth or the deprecated query parameters."""

    def valid(candidate: tuple[str, str] | None) -> bool:
        return candidate is not None and (
            hmac.compare_digest(candidate[0], login) and hmac.compare_digest(candidate[1], authtoken)
        )

    def check(request: Request) -> None:
        query = request.query_params
        from_query = (
            (query["login"], query["authtoken"]) if "login" in query and "authtoken" in query else None
        )
        if not (valid(_basic_credentials(request)) or valid(from_query)):
            raise message(401, "Unauthorized")

    return check


async def wrapped_object(request: Request, key: str) -> dict[str, Any]:
    """Body ``{"<key>": {...}}`` as the spec's ``ProductEdit``/``VariantEdit`` wrap it.

    The spec requires ``Content-Type: application/json`` on POST/PUT; without it the body is not
    read as JSON, so the wrapped object is missing and the request is a bad one.
    """
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise message(400, BAD_PARAMS)
    try:
        body = await request.json()
    except ValueError as exc:
        raise message(400, BAD_PARAMS) from exc
    inner = body.get(key) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise message(400, BAD_PARAMS)
    return inner


def paging(request: Request) -> tuple[int, int]:
    """``(page, limit)``: page defaults to 1, limit to 50 and is clamped to the documented 100."""

    def as_int(name: str, default: int) -> int:
        try:
            return int(request.query_params.get(name, default))
        except ValueError:
            return default

    page = max(1, as_int("page", 1))
    limit = as_int("limit", 50)
    limit = 50 if limit < 1 else min(limit, 100)
    return page, limit
