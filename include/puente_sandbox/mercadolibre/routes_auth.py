"""``POST /oauth/token`` and the bearer-token check every API route depends on.

Documented (../shared/vendor-apis/mercadolibre.md §1): ``application/x-www-form-urlencoded``
with the parameters in the body (query-string parameters are tolerated, since sending them in
the body is documented as a best practice, not a requirement); ``grant_type=refresh_token`` with
``client_id``, ``client_secret``, ``refresh_token``, or ``grant_type=authorization_code`` with
``client_id``, ``client_secret``, ``code``, ``redirect_uri``. The answer is ``{"access_token",
"token_type": "Bearer", "expires_in": 21600, "scope", "user_id", "refresh_token"}``; every
refresh rotates the refresh token. Refusals (inferred shapes, see :mod:`vendor`): bad client
``invalid_client``, used/unknown refresh token or code ``invalid_grant``, other grants
``unsupported_grant_type``, missing parameters ``invalid_request``.

API calls send ``Authorization: Bearer <token>``; the legacy ``?access_token=`` is not served.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.mercadolibre.store import MercadoLibreStore
from puente_sandbox.mercadolibre.vendor import invalid_token, missing_token, oauth_error

INVALID_GRANT = "Error validating grant. Your authorization code or refresh token may be expired or it was already used"


def bearer_token(request: Request) -> str | None:
    scheme, _, rest = request.headers.get("authorization", "").strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" and rest.strip() else None


def require_token(store: MercadoLibreStore) -> Callable[[Request], int]:
    """Dependency: the user id behind a live access token, else Mercado Libre's 401."""

    def check(request: Request) -> int:
        token = bearer_token(request)
        if token is None:
            raise missing_token()
        user = store.token_user(token)
        if user is None:
            raise invalid_token()
        return user

    return check


def build_auth_router(store: MercadoLibreStore) -> APIRouter:
    router = APIRouter()

    @router.post("/oauth/token")
    async def token(request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        params = {**dict(request.query_params), **form}
        grant = params.get("grant_type")
        if not grant:
            raise oauth_error("invalid_request", "the grant_type parameter is required")
        if grant not in ("refresh_token", "authorization_code"):
            raise oauth_error("unsupported_grant_type", f"the grant type {grant!r} is not supported")
        client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
        if not (hmac.compare_digest(client_id, store.client_id) and hmac.compare_digest(secret, store.client_secret)):
            raise oauth_error("invalid_client", "invalid client_id or client_secret")
        if grant == "refresh_token":
            if not params.get("refresh_token"):
                raise oauth_error("invalid_request", "the refresh_token parameter is required")
            pair = store.refresh(params["refresh_token"])
        else:
            if params.get("redirect_uri") != store.redirect_uri:
                raise oauth_error("invalid_grant", "the redirect_uri does not match the application's")
            pair = store.exchange_code(params.get("code", ""))
        if pair is None:
            raise oauth_error("invalid_grant", INVALID_GRANT)
        return ok(pair)

    return router
