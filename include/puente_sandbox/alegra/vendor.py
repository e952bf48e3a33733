"""How Alegra says no, and how it counts: error bodies, Basic auth, the 150/min budget and its headers.

From ../shared/vendor-apis/alegra.md (sections 1, 2 and 4):

* Errors are a JSON object ``{"code", "message"}`` (``code`` sometimes numeric); field-level
  ``details`` may appear. The sandbox always answers that flat shape. The numeric codes below are
  (inferred): Alegra publishes none for these cases, the notes' one example (3061, "El ítem con id
  999 no existe") is itself marked inferred, and Spanish texts follow its wording.
* Auth is HTTP Basic ``email:token`` on every request; anything else is 401 (code and text
  inferred). There is no token exchange and no expiry.
* 150 requests per minute per user; over it: 429 ``"Too Many request"`` (sic, as documented).
  Every response carries ``X-Rate-Limit-Limit``, ``X-Rate-Limit-Remaining`` and
  ``X-Rate-Limit-Reset`` ("seconds left in the window"). Alegra's window is a minute; the shared
  limiter is a sliding 60 s window, so ``Reset`` is the seconds until the oldest counted request
  leaves it (the next slot frees), and on a 429 the seconds until a request is allowed again
  (inferred reading of "seconds left in the window"). No ``Retry-After`` is documented or sent on
  the account's own 429s (injected ones, standing for a gateway's, carry ``Retry-After: 1``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision, SlidingWindowRateLimiter
from puente_sandbox.common.vendor import HeaderList, VendorError, VendorProfile

DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((150, 60.0),)  # "150 requests por minuto"

# Error codes (all inferred, see the module docstring). Grouped so tests and flows name them.
CODE_UNAUTHORIZED = 401
CODE_NOT_FOUND = 404
CODE_TOO_MANY = 429
CODE_SERVER = 500
CODE_VALIDATION = 1001  # a required field is missing or malformed
CODE_LIMIT = 1002  # ``limit`` above 30
CODE_CONTACT_INVALID = 2001  # identification type / person kind / regime not valid for Colombia
CODE_CONTACT_DUPLICATE = 2002
CODE_CLIENT_MISSING = 2003
CODE_ITEM_MISSING = 3061  # the notes' example
CODE_ITEM_INACTIVE = 3062
CODE_PAYMENTS = 3070
CODE_NUMBER_TEMPLATE = 3080  # stamp without an electronic numbering (``numberTemplate``)
CODE_STAMP_CLIENT = 3081  # client not compliant for DIAN (company without NIT, no identification)
CODE_DIAN_ZERO_PRICE = 3082  # DIAN refuses a line without price (gap in the notes: modelled as 400)
CODE_INVOICE_STATE = 3090  # open/void on an invoice in the wrong state


def error_body(code: int, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


def alegra_error(status: int, code: int, message: str, details: Any = None) -> VendorError:
    return VendorError(status, error_body(code, message, details))


def invalid(message: str, code: int = CODE_VALIDATION, details: Any = None) -> VendorError:
    """A 400 validation/business refusal: nothing was created."""
    return alegra_error(400, code, message, details)


def required(field: str) -> VendorError:
    return invalid(f"El campo {field} es obligatorio", details={"field": field})


def not_found(what: str, ident: str) -> VendorError:
    return alegra_error(404, CODE_NOT_FOUND, f"No se encontró {what} con id {ident}")


def unauthorized() -> VendorError:
    return alegra_error(401, CODE_UNAUTHORIZED, "Usuario o token incorrectos, verifica tus credenciales")


def as_id(value: Any) -> str | None:
    """Alegra's new ID format: ids arrive as numbers or strings (or ``{"id": ...}``); answer strings."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True, slots=True)
class AlegraDecision(RateDecision):
    """A limiter decision plus the ``X-Rate-Limit-Reset`` seconds for this response."""

    reset_s: float = 0.0


class AlegraRateLimiter(SlidingWindowRateLimiter):
    """The shared sliding window, also telling when the oldest counted request leaves it."""

    def hit(self, now: float | None = None) -> RateDecision:
        now = self.clock() if now is None else now
        decision = super().hit(now)
        if not decision.allowed:
            reset = decision.retry_after_s
        else:
            reset = max(w.seconds_until_below(now, max(w.count(now), 1)) for w in self._windows)
        return AlegraDecision(decision.allowed, decision.budgets, decision.retry_after_s, reset_s=reset)


def rate_headers(decision: RateDecision) -> HeaderList:
    budget = decision.budget(60.0) or decision.budgets[0]
    reset = getattr(decision, "reset_s", decision.retry_after_s)
    return [
        ("X-Rate-Limit-Limit", str(budget.limit)),
        ("X-Rate-Limit-Remaining", str(budget.remaining)),
        ("X-Rate-Limit-Reset", str(max(1 if not decision.allowed else 0, math.ceil(reset)))),
    ]


def _rate_limited(decision: RateDecision | None) -> Response:
    """The account's budget spent: Alegra's 429 with its ``X-Rate-Limit-*`` headers only.

    An injected 429 (no decision, or one the budget allowed) stands for a 429 from something in
    front of Alegra (a gateway, a proxy): it carries ``Retry-After: 1``, which a client prefers over
    ``X-Rate-Limit-Reset`` (the account's window is not what refused it). Inferred, like the fault.
    """
    if decision is not None and not decision.allowed:
        headers: dict[str, str] = {}
    elif decision is None:
        headers = {"X-Rate-Limit-Reset": "1", "Retry-After": "1"}
    else:
        headers = {"Retry-After": "1"}
    return JSONResponse(error_body(CODE_TOO_MANY, "Too Many request"), status_code=429, headers=headers)


ALEGRA_PROFILE = VendorProfile(
    name="alegra",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse(
        error_body(CODE_SERVER, "Ocurrió un error interno, intenta nuevamente"), status_code=500
    ),
    route_not_found=lambda: JSONResponse(error_body(CODE_NOT_FOUND, "El recurso no existe"), status_code=404),
    method_not_allowed=lambda: JSONResponse(error_body(405, "Método no permitido"), status_code=405),
    rate_headers=rate_headers,
)


def basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    email, sep, token = decoded.partition(":")
    return (email, token) if sep else None


def require_basic(email: str, token: str) -> Callable[[Request], None]:
    """FastAPI dependency: ``Authorization: Basic base64(email:token)`` or 401."""

    def check(request: Request) -> None:
        given = basic_credentials(request)
        if given is None or not (hmac.compare_digest(given[0], email) and hmac.compare_digest(given[1], token)):
            raise unauthorized()

    return check


async def json_object(request: Request) -> dict[str, Any]:
    """A write body; anything but a JSON object is a 400 (inferred text)."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid("El cuerpo de la petición debe ser un objeto JSON") from exc
    if not isinstance(body, dict):
        raise invalid("El cuerpo de la petición debe ser un objeto JSON")
    return body
