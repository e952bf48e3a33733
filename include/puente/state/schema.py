"""Create Puente's tables when several processes start at once, without any of them failing.

Why: ``metadata.create_all(checkfirst=True)`` checks, then creates. Two task processes meeting an
empty database both see "no table" and both ``CREATE TABLE``; PostgreSQL then fails the second with
``UniqueViolation`` on ``pg_type`` (or ``DuplicateTable``), and the task dies for nothing. On
PostgreSQL the creators queue on one transaction-scoped advisory lock, so the second one checks
only after the first committed and finds the tables. SQLite serialises writers but not the check,
so there (and on any other database) a creator that lost the race checks again.

Columns added to an existing table in a later release are added to an existing database too
(``ALTER TABLE ... ADD COLUMN``), only for nullable columns: an upgrade must not need a person to
migrate Puente's state by hand, and a column every old row lacks can only be optional.
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
                add_missing_columns(conn, metadata)
            return
        except sa.exc.DBAPIError:
            # Only a lost race is retried: the next check sees the winner's tables. Anything else
            # (no server, no permission) fails the same way again and is raised at the last attempt.
            if attempt == ATTEMPTS:
                raise


def add_missing_columns(conn: sa.Connection, metadata: sa.MetaData) -> list[str]:
    """Add the nullable columns a table of ``metadata`` has and the database's table lacks.

    Returns ``table.column`` for each column added. A missing column that is not nullable is a
    schema change this cannot make safely: raised as an error naming it.
    """
    inspector = sa.inspect(conn)
    added = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue  # create_all makes it whole
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"state table {table.name} lacks the required column {column.name}: "
                                   "this release needs a migration that cannot be made automatically")
            ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
            added.append(f"{table.name}.{column.name}")
    return added
