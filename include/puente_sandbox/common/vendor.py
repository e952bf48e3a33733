"""How a vendor answers in the situations the shared machinery produces on its behalf.

The middleware throttles, injects faults and loses responses for every sandbox, but each vendor
says "too many requests" or "server error" in its own words and headers. A :class:`VendorProfile`
carries those words, so the shared code never guesses a vendor's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from puente_sandbox.common.ratelimit import RateDecision

HeaderList = list[tuple[str, str]]


class VendorError(Exception):
    """Raised by route code to answer with an exact vendor error (status, JSON body, headers)."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    def to_response(self) -> Response:
        if self.body is None:
            return Response(status_code=self.status, headers=self.headers)
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


@dataclass(frozen=True)
class VendorProfile:
    """Vendor-specific responses used by the shared middleware and exception handlers.

    ``rate_limited`` receives the limiter decision (``None`` when no limiter is configured and the
    429 was injected). ``rate_headers`` adds headers to *every* vendor response (Jumpseller's
    ``...RateLimit-Remaining``); ``None`` when the vendor sends none.
    """

    name: str
    rate_limited: Callable[[RateDecision | None], Response]
    server_error: Callable[[], Response]
    route_not_found: Callable[[], Response]
    method_not_allowed: Callable[[], Response]
    rate_headers: Callable[[RateDecision], HeaderList] | None = None
