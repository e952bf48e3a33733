"""Create Puente's tables when several processes start at once, without any of them failing.

Why: ``metadata.create_all(checkfirst=True)`` checks, then creates. Two task processes meeting an
empty database both see "no table" and both ``CREATE TABLE``; PostgreSQL then fails the second with
``UniqueViolation`` on ``pg_type`` (or ``DuplicateTable``), and the task dies for nothing. On
PostgreSQL the creators queue on one transaction-scoped advisory lock, so the second one checks
only after the first committed and finds the tables. SQLite serialises writers but not the check,
so there (and on any other database) a creator that lost the race checks again.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa

ATTEMPTS = 3


def lock_key(name: str) -> int:
    """A stable signed 32-bit advisory-lock key per schema (``pg_advisory_xact_lock`` takes a bigint)."""
    return zlib.crc32(f"puente-schema:{name}".encode()) - 2**31


def create_tables(engine: sa.Engine, metadata: sa.MetaData, name: str) -> None:
    """``create_all`` that is harmless when another process creates the same tables at the same time."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
                metadata.create_all(conn, checkfirst=True)
            return
        except sa.exc.DBAPIError:
            # Only a lost race is retried: the next check sees the winner's tables. Anything else
            # (no server, no permission) fails the same way again and is raised at the last attempt.
            if attempt == ATTEMPTS:
                raise
