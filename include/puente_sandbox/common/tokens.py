"""Issued bearer tokens of a sandbox account: expiry and revocation, for vendors with a token endpoint.

Siigo (``POST /auth``), Contabilium (``POST /token``) and Mercado Libre's access tokens differ
only in what a token looks like and how long it lives; the bookkeeping (valid until
``expires_at`` unless revoked, revoke one or all so tests see the 401 a real expiry gives) is
this one piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass
class IssuedToken:
    subject: Any  # the API user / client id / seller id it was issued to
    expires_at: datetime
    revoked: bool = False


class TokenBook:
    def __init__(self, now: Callable[[], datetime], ttl_s: int) -> None:
        self.now, self.ttl_s = now, ttl_s
        self._tokens: dict[str, IssuedToken] = {}

    def __iter__(self) -> Iterator[str]:  # the issued token values, oldest first
        return iter(self._tokens)

    def record(self, token: str, subject: Any) -> str:
        self._tokens[token] = IssuedToken(subject, self.now() + timedelta(seconds=self.ttl_s))
        return token

    def subject_of(self, token: str) -> Any | None:
        """Whom a live token was issued to; None when unknown, expired or revoked."""
        issued = self._tokens.get(token)
        live = issued is not None and not issued.revoked and self.now() < issued.expires_at
        return issued.subject if live else None

    def valid(self, token: str) -> bool:
        return self.subject_of(token) is not None

    def expire(self, token: str | None = None) -> int:
        """Revoke one token (or every live one); the next call with it gets 401."""
        revoked = 0
        for value, issued in self._tokens.items():
            if (token is None or value == token) and not issued.revoked:
                issued.revoked = True
                revoked += 1
        return revoked
