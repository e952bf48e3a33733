"""Hooks for vendors that hand out short-lived access tokens (Siigo ``/auth``, Contabilium OAuth).

Such vendors differ only in how a token is fetched. What they share lives here once: one cached
token per vendor account and process (Airflow runs many hooks per account, and asking for a new
token on every task would waste the account's rate budget), renewed a little before it expires,
sent on every call, and renewed once when the vendor answers 401 (revoked or expired early).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

from requests import Response

from puente.hooks.base import PuenteHttpHook
from puente.hooks.errors import AuthError
from puente.hooks.transport import mask

TOKEN_RENEW_MARGIN_S = 60.0


@dataclass(frozen=True)
class CachedToken:
    value: str
    expires_at: float  # time.monotonic()


class TokenCache:
    """Process-wide tokens of one vendor, by account key; thread-safe."""

    def __init__(self) -> None:
        self._tokens: dict[Hashable, CachedToken] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            cached = self._tokens.get(key)
        return cached.value if cached is not None and time.monotonic() < cached.expires_at else None

    def put(self, key: Hashable, token: str, lifetime_s: float) -> None:
        expires_at = time.monotonic() + max(lifetime_s - TOKEN_RENEW_MARGIN_S, 1.0)
        with self._lock:
            self._tokens[key] = CachedToken(token, expires_at)

    def forget(self, key: Hashable, token: str | None = None) -> None:
        """Drop the account's token (only if it is still ``token``: another thread may have renewed it)."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and (token is None or cached.value == token):
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


def secret_digest(secret: str | None) -> str:
    """A short digest of a credential, for cache keys: never the credential itself."""
    return hashlib.sha256((secret or "").encode()).hexdigest()[:16]


class TokenAuthHook(PuenteHttpHook):
    """A ``PuenteHttpHook`` that sends ``Authorization: <scheme> <token>`` from a shared token cache.

    Subclasses set ``token_path`` and ``token_cache`` and implement ``_token_key`` (which account)
    and ``fetch_token`` (the vendor's own token request, returning the token and its lifetime).
    """

    token_path: ClassVar[str]
    token_cache: ClassVar[TokenCache]
    authorization_scheme: ClassVar[str] = "Bearer"

    def __init__(self, conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(conn_id, **kwargs)
        self.token_requests = 0

    def _token_key(self) -> Hashable:
        raise NotImplementedError

    def fetch_token(self) -> tuple[str, float]:
        """Ask the vendor for a new token: ``(token, lifetime in seconds)``."""
        raise NotImplementedError

    def _cache_key(self) -> Hashable:
        """The account (``_token_key``) and a digest of the secret that earns its token.

        Without the secret a connection naming another's account id (a login is often just an
        e-mail) with any password at all would be handed that account's cached token in a shared
        worker, and a connection whose secret was changed to a wrong one would still pass its test.
        """
        return self._token_key(), secret_digest(self.connection.password)

    def access_token(self) -> str:
        """The cached token for this account, or a new one from the vendor."""
        key = self._cache_key()
        cached = self.token_cache.get(key)
        if cached is not None:
            return cached
        token, lifetime = self.fetch_token()
        self.token_requests += 1
        mask(token)
        self.token_cache.put(key, token, lifetime)
        return token

    def forget_token(self, token: str | None = None) -> None:
        self.token_cache.forget(self._cache_key(), token)

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        """Base transport plus the token: sent on every call, renewed once on a 401."""
        from urllib.parse import urlsplit

        if urlsplit(path).path.rstrip("/") == self.token_path:
            return super().request(method, path, **kwargs)
        base_headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (1, 2):
            token = self.access_token()
            headers = {**base_headers, "Authorization": f"{self.authorization_scheme} {token}".strip()}
            try:
                return super().request(method, path, headers=headers, **kwargs)
            except AuthError as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                self.log.info("%s answered 401 on %s %s: renewing the access token once", self.hook_name, method,
                              path)
                self.forget_token(token)
        raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["TOKEN_RENEW_MARGIN_S", "CachedToken", "TokenAuthHook", "TokenCache", "secret_digest"]
