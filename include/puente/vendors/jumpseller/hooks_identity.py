"""A Jumpseller store's webhook identity, from its Airflow connection: hooks token and store code.

Both are extras of the ``jumpseller`` connection (``hooks_token``, ``store_code``; the form spells
them ``extra__jumpseller__<field>`` too). The token is a secret: Airflow masks extras whose key
says ``token`` when the connection is read, and nothing here logs or returns it beyond the caller
that signs or verifies with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VENDOR = "jumpseller"
TOKEN_FIELD = "hooks_token"
STORE_FIELD = "store_code"


@dataclass(frozen=True)
class HooksIdentity:
    conn_id: str
    store_code: str | None
    hooks_token: str | None = field(default=None, repr=False)  # never in a repr, a log line or an answer


def _extra(extra: dict, name: str) -> str | None:
    for key in (name, f"extra__{VENDOR}__{name}"):
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def hooks_identity(conn_id: str) -> HooksIdentity:
    """The connection's hooks token and store code (None for each one not set or not readable)."""
    try:
        from airflow.sdk import BaseHook

        extra = BaseHook.get_connection(conn_id).extra_dejson
    except Exception:  # a missing or unreadable connection: no webhook identity, said by the caller
        return HooksIdentity(conn_id, None, None)
    return HooksIdentity(conn_id, _extra(extra, STORE_FIELD), _extra(extra, TOKEN_FIELD))
