"""StateStore: the only door to Puente's own database.

Operators call it; rules never do. Writes are batched upserts in one transaction per call, so a
crash leaves either the old or the new state, never half a batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from puente.state.schema import create_tables
from puente.state.tables import metadata, pushed_state, run_report, sku_link

STATE_URL_ENV = "PUENTE_STATE_URL"
STATE_CONN_ID = "puente_state"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlalchemy_url(uri: str) -> str:
    """Airflow connection URIs say ``postgres://``; SQLAlchemy wants an explicit driver."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg2://" + uri[len(prefix) :]
    return uri


def resolve_state_url() -> str:
    """PUENTE_STATE_URL, else the ``puente_state`` Airflow connection, else SQLite in AIRFLOW_HOME."""
    explicit = os.environ.get(STATE_URL_ENV)
    if explicit:
        return explicit
    try:
        from airflow.sdk import BaseHook

        return _sqlalchemy_url(BaseHook.get_connection(STATE_CONN_ID).get_uri())
    except Exception:
        pass
    home = Path(os.environ.get("AIRFLOW_HOME") or Path.home() / "airflow")
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'puente_state.db'}"


# Invoice tasks run a few worker and attach threads, each holding a connection only for one short
# transaction; the overflow lets them all (up to the settings' maximum) without waiting on the pool.
POOL = {"pool_size": 5, "max_overflow": 40}


@cache
def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        # Concurrent writers (task processes, and threads within one) wait for the write lock up to
        # the busy timeout instead of failing with 'database is locked'. That holds because pysqlite
        # opens a transaction only at its first write, so no transaction here ever upgrades a read
        # snapshot to a write (the one case SQLite fails at once, whatever the timeout).
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **POOL)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # several task processes share the file
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, **POOL)


def _upsert(engine: sa.Engine, table: sa.Table, rows: list[dict[str, Any]]) -> sa.Insert:
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys = {column.name for column in table.primary_key.columns}
    updates = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    return statement.on_conflict_do_update(index_elements=sorted(keys), set_=updates)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


class StateStore:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or resolve_state_url()
        self.engine = _engine(self.url)
        create_tables(self.engine, metadata, "state")

    # --- SKU links ------------------------------------------------------------------------------
    def save_links(
        self, tenant: str, channel: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False
    ) -> int:
        """Record a sync's links. ``replace`` (a full sync): the channel's rows become exactly these,
        so a SKU gone from both sides, or a link undone, does not linger in the list people read."""
        now = _utcnow()
        batch = [
            {
                "tenant": tenant,
                "channel": channel,
                "sku": row["sku"],
                "status": row["status"],
                "reason": row.get("reason"),
                "source_id": row.get("source_id"),
                "product_id": row.get("product_id"),
                "variant_id": row.get("variant_id"),
                "listing_sku": row.get("listing_sku"),
                "match": row.get("match"),
                "updated_at": now,
            }
            for row in rows
        ]
        with self.engine.begin() as conn:
            if replace:
                conn.execute(sku_link.delete().where(sku_link.c.tenant == tenant, sku_link.c.channel == channel))
            if batch:
                conn.execute(_upsert(self.engine, sku_link, batch), batch)
        return len(batch)

    def links(self, tenant: str, channel: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(sku_link).where(sku_link.c.tenant == tenant)
        if channel is not None:
            query = query.where(sku_link.c.channel == channel)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.order_by(sku_link.c.sku))]

    # --- pushed state ---------------------------------------------------------------------------
    def record_pushes(self, tenant: str, channel: str, run_id: str, rows: Iterable[Mapping]) -> int:
        now = _utcnow()
        batch = [
            {
                "tenant": tenant,
                "channel": channel,
                "sku": row["sku"],
                "stock": row.get("stock"),
                "unlimited": row.get("unlimited"),
                "price": row.get("price"),
                "run_id": run_id,
                "pushed_at": now,
            }
            for row in rows
        ]
        if not batch:
            return 0
        with self.engine.begin() as conn:
            conn.execute(_upsert(self.engine, pushed_state, batch), batch)
        return len(batch)

    def pushed(self, tenant: str, channel: str) -> dict[str, dict[str, Any]]:
        query = sa.select(pushed_state).where(
            pushed_state.c.tenant == tenant, pushed_state.c.channel == channel
        )
        with self.engine.connect() as conn:
            return {row.sku: dict(row._mapping) for row in conn.execute(query)}

    # --- run reports ----------------------------------------------------------------------------
    def write_report(
        self,
        tenant: str,
        flow: str,
        run_id: str,
        status: str,
        counts: Mapping[str, Any],
        details: Mapping[str, Any],
        *,
        dry_run: bool = False,
    ) -> None:
        row = {
            "tenant": tenant,
            "flow": flow,
            "run_id": run_id,
            "status": status,
            "dry_run": dry_run,
            "counts": _jsonable(counts),
            "details": _jsonable(details),
            "finished_at": _utcnow(),
        }
        with self.engine.begin() as conn:
            existing = conn.execute(
                sa.select(run_report.c.id).where(
                    run_report.c.tenant == tenant, run_report.c.flow == flow, run_report.c.run_id == run_id
                )
            ).scalar()
            if existing is None:
                conn.execute(run_report.insert().values(**row))
            else:  # a retried task rewrites its run's report
                conn.execute(run_report.update().where(run_report.c.id == existing).values(**row))

    def reports(self, tenant: str | None = None, flow: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(run_report)
        if tenant is not None:
            query = query.where(run_report.c.tenant == tenant)
        if flow is not None:
            query = query.where(run_report.c.flow == flow)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(run_report.c.id))]

    def report(self, tenant: str, flow: str, run_id: str) -> dict[str, Any] | None:
        """One run's report (one row by the table's unique key, whatever the history's length)."""
        query = sa.select(run_report).where(run_report.c.tenant == tenant, run_report.c.flow == flow,
                                            run_report.c.run_id == run_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def recent_reports(self, tenant: str, flow: str, *, limit: int = 10,
                       dry_run: bool | None = None) -> list[dict[str, Any]]:
        """The flow's last ``limit`` reports, newest first; ``dry_run`` False: real runs only, so a
        dry run never hides the failures of the real run before it."""
        query = sa.select(run_report).where(run_report.c.tenant == tenant, run_report.c.flow == flow)
        if dry_run is not None:
            query = query.where(run_report.c.dry_run.is_(dry_run))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(run_report.c.id.desc()).limit(limit))]

    def latest_report(self, tenant: str, flow: str, *, dry_run: bool | None = None) -> dict[str, Any] | None:
        found = self.recent_reports(tenant, flow, limit=1, dry_run=dry_run)
        return found[0] if found else None
