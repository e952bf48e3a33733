"""The ``api_token`` check every Jupiter route depends on (documented, README "Authentication").

Two documented ways: ``?api_token=<key>`` (documented as insecure; the SDK uses it) or the header
``Authorization: Bearer <key>`` (the prose says "Authentication", its example ``Authorization``:
the example wins). Missing, wrong or rotated keys are 401 ``{"message": "Unauthenticated."}``.
A channel that exists but belongs to another account is 403 (inferred, Laravel's policy answer);
an unknown channel is 404.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.vendor import forbidden, not_found, unauthenticated


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    return request.query_params.get("api_token") or None


def require_token(store: AstrosellingStore) -> Callable[[Request], None]:
    """FastAPI dependency: a valid ``api_token`` (header or query string)."""

    def check(request: Request) -> None:
        if not store.token_valid(presented_token(request)):
            raise unauthenticated()

    return check


def own_channel(store: AstrosellingStore, raw: str) -> int:
    """The channel id from the path, if it is this account's; 403 for another account's, else 404."""
    try:
        channel_id = int(raw)
    except ValueError as exc:
        raise not_found() from exc
    if channel_id in store.foreign_channels:
        raise forbidden()
    if channel_id not in store.channels:
        raise not_found()
    return channel_id
