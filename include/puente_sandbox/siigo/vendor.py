"""How Siigo says no: the ``{"Status", "Errors": [{Code, Message, Params, Detail}]}`` envelope.

From the Blueprint's "Manejo de errores": every error carries ``Status`` and a list of
``Errors`` with PascalCase keys; ``Detail`` points at the code's documentation page, spelled as in
the Blueprint's batch example (``https://developer.siigo.com/introduction/codigos-de-error/<code>``).
Codes are the Blueprint's "Códigos de error". Inferred (the Blueprint gives codes, not statuses):
validation codes answer 400, ``unauthorized`` 401, ``not_found`` 404, ``requests_limit`` 429
(with ``Retry-After`` in seconds, which Siigo does not document), ``unhandled_error`` 500.
``Partner-Id`` is required on every request, ``/auth`` included: missing is ``header_required``,
not 3-100 alphanumerics is ``invalid_partner_id`` (checked before the token, inferred order).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile

DETAIL_URL = "https://developer.siigo.com/introduction/codigos-de-error/"
PARTNER_ID = re.compile(r"^[A-Za-z0-9]{3,100}$")
DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((100, 60.0),)  # "100 peticiones por minuto"
TEST_COMPANY_RATE_LIMITS: tuple[tuple[int, float], ...] = ((10, 60.0),)  # "empresa de pruebas: 10"


def error_body(status: int, code: str, message: str, params: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "Status": status,
        "Errors": [
            {
                "Code": code,
                "Message": message,
                "Params": list(params),
                "Detail": f"Check the API documentation: {DETAIL_URL}{code}",
            }
        ],
    }


def siigo_error(
    status: int, code: str, message: str, *params: str, headers: dict[str, str] | None = None
) -> VendorError:
    return VendorError(status, error_body(status, code, message, params), headers)


def invalid(code: str, message: str, *params: str) -> VendorError:
    """A 400 business/validation refusal (nothing was created)."""
    return siigo_error(400, code, message, *params)


def required(field: str) -> VendorError:
    return invalid("parameter_required", f"The field {field} is required", field)


def not_found(resource: str) -> VendorError:
    return siigo_error(404, "not_found", f"The {resource} was not found", resource)


def unauthorized() -> VendorError:
    return siigo_error(401, "unauthorized", "You are not authorized, check the access token", "Authorization")


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "1"
    body = error_body(429, "requests_limit", "The request limit has been exceeded, try again later")
    return JSONResponse(body, status_code=429, headers={"Retry-After": retry_after})


SIIGO_PROFILE = VendorProfile(
    name="siigo",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse(
        error_body(500, "unhandled_error", "Unhandled error, write to soporteapi@siigo.com"), status_code=500
    ),
    route_not_found=lambda: JSONResponse(error_body(404, "not_found", "Resource not found"), status_code=404),
    method_not_allowed=lambda: JSONResponse(
        error_body(405, "not_found", "The requested method is not supported"), status_code=405
    ),
)


def check_partner_id(request: Request) -> str:
    """Every Siigo request needs ``Partner-Id`` (the integrating app's name)."""
    partner = request.headers.get("partner-id")
    if partner is None or not partner.strip():
        raise invalid("header_required", "The header Partner-Id is required", "Partner-Id")
    if not PARTNER_ID.match(partner):
        raise invalid(
            "invalid_partner_id",
            "The header Partner-Id must have between 3 and 100 alphanumeric characters, without spaces",
            "Partner-Id",
        )
    return partner


async def json_object(request: Request) -> dict[str, Any]:
    """A write body; anything but a JSON object is ``invalid_type`` (inferred code)."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid("invalid_type", "The request body must be a JSON object", "body") from exc
    if not isinstance(body, dict):
        raise invalid("invalid_type", "The request body must be a JSON object", "body")
    return body
