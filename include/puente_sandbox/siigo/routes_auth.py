"""``POST /auth`` (Blueprint "Generar Token") and the token check every ``/v1`` route depends on.

``POST /auth`` takes ``Partner-Id`` and ``{"username", "access_key"}`` (``TokenIn``) and answers
**201** ``{"access_token", "expires_in": 86400, "token_type": "Bearer", "scope": "SiigoAPI"}``
(``TokenOut``). Missing fields are ``parameter_required``; wrong credentials are 401
``unauthorized`` (inferred: the Blueprint documents no failure for ``/auth``).

Every other call needs ``Partner-Id`` and ``Authorization``. The Blueprint shows the bare token
(``Authorization: [access_token]``) and ``token_type`` says Bearer, so both ``<token>`` and
``Bearer <token>`` are accepted. Unknown, expired or revoked tokens are 401 ``unauthorized``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import check_partner_id, json_object, required, unauthorized


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    return rest.strip() if scheme.lower() == "bearer" and rest.strip() else header


def require_token(store: SiigoStore) -> Callable[[Request], None]:
    """FastAPI dependency: ``Partner-Id`` first, then a live access token."""

    def check(request: Request) -> None:
        check_partner_id(request)
        token = bearer_token(request)
        if token is None or not store.token_valid(token):
            raise unauthorized()

    return check


def build_auth_router(store: SiigoStore) -> APIRouter:
    router = APIRouter()

    @router.post("/auth")
    async def auth(request: Request) -> JSONResponse:
        check_partner_id(request)
        body = await json_object(request)
        username, access_key = body.get("username"), body.get("access_key")
        if not username:
            raise required("username")
        if not access_key:
            raise required("access_key")
        if not (
            hmac.compare_digest(str(username), store.username)
            and hmac.compare_digest(str(access_key), store.access_key)
        ):
            raise unauthorized()
        token = store.issue_token(str(username))
        return ok(
            {"access_token": token, "expires_in": store.token_ttl_s, "token_type": "Bearer", "scope": "SiigoAPI"},
            201,
        )

    return router
