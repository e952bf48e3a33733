"""How Contabilium says no, and how it pages: ``{"Message"}`` errors, the ``{Items, TotalItems,
TotalPage}`` envelope, and the 30 requests / 10 s budget.

Facts (../shared/vendor-apis/contabilium.md): error JSON carries ``Message`` (sometimes
``Description``); an existing client on ``POST /api/clientes`` is **500** "El cliente ya se
encuentra registrado"; unknown SKUs are 404; 401 means the token expired; 429 means rate limited
("30 req / 10 s per IP", quoted from the docs by an integrator). Lists take ``page``/``pageSize``
and answer ``{"Items": [...], "TotalItems": N, "TotalPage": N}``.

Inferred (the API is ASP.NET Web API + an OWIN ``/token`` endpoint, which is what the token
response's ``token_type: "bearer"`` / ``expires_in: 86399`` shape is): the framework's default
texts for 401 ("Authorization has been denied for this request."), unknown routes, 405 and 500;
the 429 text and its ``Retry-After`` header (WebApiThrottle's default wording); Spanish business
messages; ``page`` 0 and 1 both meaning the first page (one adapter starts at 0, another at 1);
``pageSize`` defaulting to and capped at 50 (the documented fixed size of ``getStockByDeposito``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile

DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((30, 10.0),)  # "30 req / 10 s per IP"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 50
UNAUTHORIZED = "Authorization has been denied for this request."  # ASP.NET Web API default (inferred)

T = TypeVar("T")


def message(status: int, text: str, headers: dict[str, str] | None = None) -> VendorError:
    return VendorError(status, {"Message": text}, headers)


def bad_request(text: str) -> VendorError:
    return message(400, text)


def not_found(text: str) -> VendorError:
    return message(404, text)


def unauthorized() -> VendorError:
    return message(401, UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "3"
    body = {"Message": "API calls quota exceeded! maximum admitted 30 per 10s."}
    return JSONResponse(body, status_code=429, headers={"Retry-After": retry_after})


CONTABILIUM_PROFILE = VendorProfile(
    name="contabilium",
    rate_limited=_rate_limited,
    server_error=lambda: JSONResponse({"Message": "An error has occurred."}, status_code=500),
    route_not_found=lambda: JSONResponse(
        {"Message": "No HTTP resource was found that matches the request URI."}, status_code=404
    ),
    method_not_allowed=lambda: JSONResponse(
        {"Message": "The requested resource does not support this http method."}, status_code=405
    ),
)


async def json_object(request: Request) -> dict[str, Any]:
    """A write body; anything but a JSON object is 400 (inferred text)."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise bad_request("The request is invalid.") from exc
    if not isinstance(body, dict):
        raise bad_request("The request is invalid.")
    return body


def int_param(request: Request, name: str, *, required: bool = False, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        if required:
            raise bad_request(f"El parámetro {name} es obligatorio")
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise bad_request(f"The value '{raw}' is not valid for {name}.") from exc


def page_envelope(
    request: Request,
    records: Sequence[T],
    serialize: Callable[[T], dict[str, Any]],
    *,
    fixed_page_size: int | None = None,
) -> dict[str, Any]:
    """One page of ``records`` wrapped as ``{Items, TotalItems, TotalPage}`` (1-based; 0 = 1)."""
    page = max(int_param(request, "page", default=1) or 1, 1)
    size = fixed_page_size or min(max(int_param(request, "pageSize", default=DEFAULT_PAGE_SIZE) or 1, 1), MAX_PAGE_SIZE)
    start = (page - 1) * size
    return {
        "Items": [serialize(r) for r in records[start : start + size]],
        "TotalItems": len(records),
        "TotalPage": math.ceil(len(records) / size),
    }


def text_filter(request: Request, *fields: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], bool]:
    """``filtro``: case-insensitive substring over the given fields (inferred semantics)."""
    needle = (request.query_params.get("filtro") or "").strip().lower()
    if not needle:
        return lambda _record: True
    return lambda record: any(needle in str(f(record) or "").lower() for f in fields)
