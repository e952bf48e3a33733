"""A durable home for OAuth tokens that rotate on every refresh (Mercado Libre's single-use refresh
tokens), encrypted with Airflow's Fernet key.

Why not the Airflow connection, where every other secret lives: a task cannot write connections.
In Airflow 3.3 tasks never open the metadata database; they reach connections only through the
Execution API, whose ``connections`` route is read-only (``GET /execution/connections/{id}``; the
task SDK's ``ConnectionOperations`` has ``get`` and nothing else, while variables and the task/asset
state stores do have writes). Variables are not for secrets, and the task state store lives for
one DAG run. So the rotated token goes to Puente's state database, and only as Fernet ciphertext
made with ``airflow.sdk.crypto.get_fernet()`` (Airflow's own ``[core] fernet_key``, the key that
encrypts connection passwords in the metadata DB). Without a Fernet key the vault refuses to start,
*before* any refresh spends the connection's token: nothing is ever stored in clear. Tokens are
masked by the hook and never returned to XCom, logs or templates.

One row per connection. ``origin`` fingerprints the connection's refresh token the chain started
from: when a person re-authorises the seller and puts a new refresh token in the connection, the
stored chain is ignored and a new one starts. The current access token is kept too (6 hours), so
the account's task processes share it instead of each spending a refresh.

A rotation is serialised per connection, so two processes never spend the same refresh token; the
other one waits (at most the refresh call) and then reads the new token. On PostgreSQL it is one
transaction that first updates the row (a row lock). On SQLite it is an exclusive ``flock`` on a
file next to the database (SQLite is one machine anyway), with the row read and written in short
transactions: the database's write lock must not be held across the refresh call, because the
hook's shared rate limiter lives in the same database by default and has to write there during
that call (holding it made every refresh wait out the busy timeout and fail, "database is locked").
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from sqlalchemy.dialects import postgresql, sqlite

from puente.state.store import StateStore
from puente.state.tables import oauth_token

_MEMORY_LOCKS: dict[str, threading.Lock] = {}
_MEMORY_LOCKS_GUARD = threading.Lock()


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored instant is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass
class TokenSlot:
    """The connection's current tokens inside a rotation; :meth:`save` stores the new pair on exit."""

    refresh_token: str
    access_token: str | None = None
    access_expires_at: datetime | None = None
    changed: bool = field(default=False, repr=False)

    def save(self, refresh_token: str, access_token: str | None, access_expires_at: datetime | None) -> None:
        self.refresh_token, self.access_token, self.access_expires_at = refresh_token, access_token, access_expires_at
        self.changed = True

    def __repr__(self) -> str:  # never print a token, even by accident
        return f"TokenSlot(access_expires_at={self.access_expires_at!r}, changed={self.changed})"


class FernetKeyMissing(RuntimeError):
    """Airflow has no ``[core] fernet_key``: rotated tokens would have to be stored in clear."""


class OAuthTokenVault:
    def __init__(self, store: StateStore | None = None, fernet: Any = None) -> None:
        if fernet is None:
            from airflow.sdk.crypto import get_fernet

            fernet = get_fernet()
        if not getattr(fernet, "is_encrypted", False):
            raise FernetKeyMissing(
                "Airflow has no [core] fernet_key (AIRFLOW__CORE__FERNET_KEY): Puente will not store a rotated "
                "OAuth refresh token unencrypted. Set the key (the one that encrypts connection passwords) and retry."
            )
        self.fernet = fernet
        self.store = store or StateStore()
        self.engine = self.store.engine

    def _encrypt(self, token: str | None) -> str | None:
        return None if token is None else self.fernet.encrypt(token.encode()).decode()

    def _decrypt(self, blob: str | None) -> str | None:
        """A stored token; one sealed with a key Airflow no longer has is an error that says so."""
        if blob is None:
            return None
        try:
            return self.fernet.decrypt(blob.encode()).decode()
        except InvalidToken:
            raise RuntimeError(
                "a stored OAuth token cannot be decrypted with Airflow's [core] fernet_key: it was sealed with "
                "another key. Put the old key back (fernet_key takes 'new_key,old_key' while rotating), or "
                "re-authorise the seller and paste the new refresh token into the connection"
            ) from None

    def _ensure_row(self, conn_id: str, origin: str) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        row = {"conn_id": conn_id, "origin": origin, "updated_at": datetime.now(UTC)}
        with self.engine.begin() as conn:
            conn.execute(dialect.insert(oauth_token).values(row).on_conflict_do_nothing(index_elements=["conn_id"]))

    @contextmanager
    def rotation(self, conn_id: str, connection_refresh_token: str) -> Iterator[TokenSlot]:
        """The current tokens of ``conn_id``, locked until the block ends; saved if ``slot.save`` ran.

        An error in the block rolls back: the stored tokens stay as they were.
        """
        origin = fingerprint(connection_refresh_token)
        self._ensure_row(conn_id, origin)
        key = oauth_token.c.conn_id == conn_id
        if self.engine.dialect.name == "sqlite":
            with self._file_lock(conn_id):
                with self.engine.begin() as conn:
                    slot = self._slot(conn.execute(sa.select(oauth_token).where(key)).one(), origin,
                                      connection_refresh_token)  # fmt: skip
                yield slot
                if slot.changed:
                    with self.engine.begin() as conn:
                        self._save(conn, key, origin, slot)
            return
        with self.engine.begin() as conn:
            conn.execute(sa.update(oauth_token).where(key).values(updated_at=datetime.now(UTC)))  # the lock
            slot = self._slot(conn.execute(sa.select(oauth_token).where(key)).one(), origin, connection_refresh_token)
            yield slot
            if slot.changed:
                self._save(conn, key, origin, slot)

    def _slot(self, row: Any, origin: str, connection_refresh_token: str) -> TokenSlot:
        if row.origin != origin or row.refresh_token is None:
            return TokenSlot(connection_refresh_token)
        return TokenSlot(self._decrypt(row.refresh_token) or connection_refresh_token,
                         self._decrypt(row.access_token), _aware(row.access_expires_at))  # fmt: skip

    def _save(self, conn: sa.Connection, key: Any, origin: str, slot: TokenSlot) -> None:
        conn.execute(sa.update(oauth_token).where(key).values(
            origin=origin, refresh_token=self._encrypt(slot.refresh_token),
            access_token=self._encrypt(slot.access_token), access_expires_at=slot.access_expires_at,
            updated_at=datetime.now(UTC),
        ))  # fmt: skip

    @contextmanager
    def _file_lock(self, conn_id: str) -> Iterator[None]:
        """SQLite's rotation lock: ``flock`` on ``<database>.oauth-<hash>.lock`` (each ``open`` is its
        own lock holder, so threads of one process wait too); a thread lock for in-memory databases."""
        database = self.engine.url.database
        if not database or database == ":memory:":
            with _MEMORY_LOCKS_GUARD:
                lock = _MEMORY_LOCKS.setdefault(conn_id, threading.Lock())
            with lock:
                yield
            return
        with open(f"{database}.oauth-{fingerprint(conn_id)[:16]}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def forget(self, conn_id: str) -> None:
        """Drop the stored chain (the seller re-authorised, or the connection was deleted)."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(oauth_token).where(oauth_token.c.conn_id == conn_id))


__all__ = ["FernetKeyMissing", "OAuthTokenVault", "TokenSlot", "fingerprint"]
