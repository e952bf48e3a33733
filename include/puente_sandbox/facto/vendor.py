"""How Facto authenticates and fails, as far as can be known (its API doc, rev. 34, and clients).

Auth: the doc says "SOAP headers" with ``user`` and ``pass``; every public client sends them as
HTTP Basic (nusoap ``setCredentials(..., "basic")``, PHP ``SoapClient`` ``login``/``password``),
so the sandbox checks Basic ``<RUT>/<api-user>:<32-hex key>``. A missing or wrong credential is
HTTP 401 with ``WWW-Authenticate: Basic`` and a SOAP Fault body (inferred: the doc documents no
auth failure). Facto publishes no rate limit; a configured or injected one answers 429 with a
SOAP Fault. Server errors (and the "lost response" fault) are HTTP 500 SOAP Faults, the SOAP 1.1
way; unknown paths are a plain 404 page.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable

from fastapi import Request
from starlette.responses import HTMLResponse, Response

from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.vendor import VendorError, VendorProfile
from puente_sandbox.facto.soap import fault_xml

XML_TYPE = "text/xml; charset=utf-8"


def xml_response(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(text.encode("utf-8"), status_code=status, media_type=XML_TYPE, headers=headers)


class SoapFault(VendorError):
    """A vendor error answered as a SOAP Fault instead of JSON."""

    def __init__(
        self, status: int, faultstring: str, faultcode: str = "SOAP-ENV:Client", headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, None, headers)
        self.faultstring = faultstring
        self.faultcode = faultcode

    def to_response(self) -> Response:
        return xml_response(fault_xml(self.faultstring, self.faultcode), self.status, self.headers)


def _rate_limited(decision: RateDecision | None) -> Response:
    retry_after = decision.retry_after_header if decision is not None else "1"
    return xml_response(fault_xml("Too Many Requests"), 429, {"Retry-After": retry_after})


FACTO_PROFILE = VendorProfile(
    name="facto",
    rate_limited=_rate_limited,
    server_error=lambda: xml_response(fault_xml("Internal Server Error"), 500),
    route_not_found=lambda: HTMLResponse("<h1>Not Found</h1>", status_code=404),
    method_not_allowed=lambda: HTMLResponse("<h1>Method Not Allowed</h1>", status_code=405),
)


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        user, sep, key = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, key) if sep else None


def require_basic_auth(user: str, key: str) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        given = _basic(request)
        if given is None or not (hmac.compare_digest(given[0], user) and hmac.compare_digest(given[1], key)):
            raise SoapFault(401, "Unauthorized", headers={"WWW-Authenticate": 'Basic realm="Facto API"'})

    return check
