"""``POST /token`` (OAuth client credentials) and the bearer check every ``/api`` route depends on.

Facts (notes §1): ``Content-Type: application/x-www-form-urlencoded``, body
``grant_type=client_credentials&client_id=<account e-mail>&client_secret=<API key>``; answer
``{"access_token", "token_type": "bearer", "expires_in": 86399}``, no refresh token. Bad
credentials are 400/401 with ``{"error": "invalid_client"}`` (test fixture). Calls send
``Authorization: Bearer <token>``; an expired token is 401.

Inferred (OWIN's OAuth server behaviour): a missing or other ``grant_type`` (a JSON body included,
since it cannot be read as a form) is 400 ``{"error": "unsupported_grant_type"}``; bad
credentials are 400 ``invalid_client``; the 401 body is ASP.NET's ``{"Message": ...}``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.contabilium.store import ContabiliumStore
from puente_sandbox.contabilium.vendor import unauthorized

FORM = "application/x-www-form-urlencoded"


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(store: ContabiliumStore) -> Callable[[Request], None]:
    """FastAPI dependency: a live bearer token, else 401."""

    def check(request: Request) -> None:
        token = bearer_token(request)
        if token is None or not store.token_valid(token):
            raise unauthorized()

    return check


def build_auth_router(store: ContabiliumStore) -> APIRouter:
    router = APIRouter()

    @router.post("/token")
    async def token(request: Request) -> JSONResponse:
        form: dict[str, str] = {}
        if request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM:
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not (
            hmac.compare_digest(client_id.encode(), store.client_id.encode())
            and hmac.compare_digest(secret.encode(), store.client_secret.encode())
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        return ok(
            {"access_token": store.issue_token(client_id), "token_type": "bearer", "expires_in": store.token_ttl_s}
        )

    return router
