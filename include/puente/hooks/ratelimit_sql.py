"""SQL backend of the sliding-window limiter: one budget per vendor account for every worker.

Two small tables (names prefixed so several deployments or test runs can share a database):

* ``<prefix>rate_limit_account(account PK, blocked_until)``: the per-account lock row, also
  holding the "server told us to wait" deadline from a 429.
* ``<prefix>rate_limit_hit(id, account, sent_at)``: one row per granted send; rows older than
  the longest window are pruned in the same transaction.

Each ``acquire`` is one short transaction serialised per account: ``SELECT ... FOR UPDATE`` on the
account row on PostgreSQL (other accounts are not blocked), ``BEGIN IMMEDIATE`` on SQLite (the
database write lock). Time comes from the database server on PostgreSQL (``clock_timestamp()``)
so workers with skewed clocks still agree; SQLite is necessarily one machine, so its clock is used.
Waiting happens outside the transaction.

A grant is stamped inside the transaction but only reaches the caller after COMMIT (a WAL flush, a
SQLite checkpoint) and the pool check-in, and a process can be descheduled anywhere in between. The
stamp therefore understates when the request really leaves, and the window's margin only absorbs
so much of that: a grant 80 ms late let five sends through a 100 ms window while every stamp in the
database was correct. So each grant's stamp-to-release time is measured on the caller's monotonic
clock (an upper bound, whatever the database's clock says), and a grant that arrives later than
``max_release_lag`` is not used: its stamp stays (it counts, which is the strict side) and the
caller asks again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    exc,
    func,
    select,
)

from puente.hooks.ratelimit import DEFAULT_MARGIN_RATIO, DEFAULT_MARGIN_SECONDS, Budget, normalize_budgets
from puente.state.schema import create_tables

log = logging.getLogger(__name__)

MIN_HISTORY_SECONDS = 120.0
LATE_GRANT_RETRIES = 3  # late grants dropped in a row before one is used anyway (a database slower than its margin)
PAUSE_RECHECK_SECONDS = 1.0  # how stale an unbudgeted account's view of a shared 429 pause may be


def _sqlite_engine_setup(engine: Engine) -> None:
    """Make pysqlite take the write lock at BEGIN (it defers BEGIN by default, which races)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class SqlRateLimiter:
    """Cross-process sliding-window limiter on SQLAlchemy Core (PostgreSQL or SQLite)."""

    prune_every = 16  # delete expired hits on every N-th grant of this process (one less round trip)

    def __init__(
        self,
        url_or_engine: str | Engine,
        *,
        table_prefix: str = "puente_",
        schema: str | None = None,
        margin_ratio: float = DEFAULT_MARGIN_RATIO,
        margin_seconds: float = DEFAULT_MARGIN_SECONDS,
        max_release_lag: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``max_release_lag`` (default: half of ``margin_seconds``) is how late after its stamp a grant
        may reach the caller; the other half of the margin is left for the caller's own way to the wire."""
        if isinstance(url_or_engine, str):
            if url_or_engine.startswith("sqlite"):
                self.engine = create_engine(url_or_engine, connect_args={"timeout": 60})
                _sqlite_engine_setup(self.engine)
            else:  # a server may drop idle connections between a worker's tasks
                self.engine = create_engine(url_or_engine, pool_pre_ping=True)
        else:
            self.engine = url_or_engine
        self.dialect = self.engine.dialect.name
        self.margin_ratio = margin_ratio
        self.margin_seconds = margin_seconds
        self.max_release_lag = margin_seconds / 2 if max_release_lag is None else max_release_lag
        self.late_grants = 0  # grants dropped because they reached the caller too late (observability)
        self._sleep = sleep
        self._known_accounts: set[str] = set()
        self._pause_checked: dict[str, tuple[float, float]] = {}  # account -> (checked at, paused until)
        self._grants = 0

        metadata = MetaData(schema=schema)
        self.accounts = Table(
            f"{table_prefix}rate_limit_account",
            metadata,
            Column("account", String(200), primary_key=True),
            Column("blocked_until", Double, nullable=False, default=0.0),
        )
        self.hits = Table(
            f"{table_prefix}rate_limit_hit",
            metadata,
            Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
            Column("account", String(200), nullable=False),
            Column("sent_at", Double, nullable=False),
            Index(f"ix_{table_prefix}rate_limit_hit_account_sent_at", "account", "sent_at"),
        )
        self.metadata = metadata
        create_tables(self.engine, self.metadata, f"{schema or ''}.{table_prefix}rate_limit")

    def _window(self, window: float) -> float:
        return window * (1.0 + self.margin_ratio) + self.margin_seconds

    def _ensure_account(self, key: str) -> None:
        if key in self._known_accounts:
            return
        values = {"account": key, "blocked_until": 0.0}
        if self.dialect in ("postgresql", "sqlite"):
            if self.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            with self.engine.begin() as conn:
                conn.execute(insert(self.accounts).values(**values).on_conflict_do_nothing())
        else:
            try:
                with self.engine.begin() as conn:
                    conn.execute(self.accounts.insert().values(**values))
            except exc.IntegrityError:
                pass
        self._known_accounts.add(key)

    def _clock(self) -> Any:
        """Now, as epoch seconds: the database's clock on PostgreSQL (one clock for all workers)."""
        if self.dialect == "postgresql":
            return func.extract("epoch", func.clock_timestamp())
        return time.time()

    def _lock_account(self, conn: Connection, key: str) -> tuple[float, float]:
        """Lock the account row; return ``(blocked_until, now)`` in one round trip.

        On PostgreSQL ``now`` may be read just before the lock wait ends; an early ``now`` only
        makes the decision stricter, and the stamp written on grant is read again at INSERT.
        """
        return self._pause_of(conn, key, lock=True)

    def _pause_of(self, conn: Connection, key: str, *, lock: bool = False) -> tuple[float, float]:
        """``(blocked_until, now)`` of an account (0.0 when it has no row), on the limiter's clock."""
        columns = [self.accounts.c.blocked_until]
        if self.dialect == "postgresql":
            columns.append(self._clock())
        query = select(*columns).where(self.accounts.c.account == key)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return 0.0, time.time()
        return float(row[0]), float(row[1]) if self.dialect == "postgresql" else time.time()

    def _nth_latest(self, conn: Connection, key: str, windows: list[Budget], now: float) -> list[float | None]:
        """For each (N, W): the N-th most recent send inside the window, in one query."""
        hits = self.hits
        probes = [
            select(hits.c.sent_at)
            .where(hits.c.account == key, hits.c.sent_at > now - window)
            .order_by(hits.c.sent_at.desc())
            .offset(limit - 1)
            .limit(1)
            .scalar_subquery()
            for limit, window in windows
        ]
        return list(conn.execute(select(*probes)).one()) if probes else []

    def acquire(self, key: str, budgets: Sequence[Budget]) -> float:
        windows = [(limit, self._window(window)) for limit, window in normalize_budgets(budgets)]
        if not windows:
            return self._wait_out_server_pause(key)
        # Keep at least MIN_HISTORY seconds of hits: another caller of the same account may use a
        # longer window than this one (e.g. per-minute), and its history must survive our prune.
        horizon = max(max((window for _, window in windows), default=0.0), MIN_HISTORY_SECONDS)
        hits = self.hits
        self._ensure_account(key)
        waited = 0.0
        late_in_a_row = 0
        while True:
            stamped_at: float | None = None
            with self.engine.begin() as conn:
                blocked_until, now = self._lock_account(conn, key)
                wait = blocked_until - now
                for (_, window), nth in zip(windows, self._nth_latest(conn, key, windows, now), strict=True):
                    if nth is not None:
                        wait = max(wait, float(nth) + window - now)
                if wait <= 0:
                    self._grants += 1
                    if self._grants % self.prune_every == 0:
                        conn.execute(hits.delete().where(hits.c.account == key, hits.c.sent_at < now - horizon))
                    # Stamp as late as possible (right before COMMIT): a late stamp is the safe side.
                    stamped_at = time.monotonic()  # before the stamp is taken: an upper bound of the lag
                    conn.execute(hits.insert().values(account=key, sent_at=self._clock()))
            if stamped_at is not None:
                lag = time.monotonic() - stamped_at
                if lag <= self.max_release_lag or late_in_a_row >= LATE_GRANT_RETRIES:
                    if lag > self.max_release_lag:
                        log.warning(
                            "rate limit %s: grants reach us %.0f ms after their stamp (margin %.0f ms): "
                            "the limiter database is too slow for its margin",
                            key, lag * 1000, self.margin_seconds * 1000,
                        )
                    return waited
                # Too late to be safe: the request would leave well after the stamp others count from.
                self.late_grants += 1
                late_in_a_row += 1
                continue
            # A little jitter so processes woken for the same free slot don't all collide.
            wait += random.uniform(0.0, 0.002)
            self._sleep(wait)
            waited += wait

    def _wait_out_server_pause(self, key: str) -> float:
        """An account without a budget: honour a pause another worker noted after a 429, nothing else.

        Why: such an account (Bsale publishes no limit) has nothing to count, so a write
        transaction and a hit row per request were pure cost (about 1 ms of CPU per call, most of
        a 20k-SKU read's excess over its bound). The shared pause is re-read at most every
        ``PAUSE_RECHECK_SECONDS``: a vendor that starts refusing us answers this worker's next
        request with its own 429 anyway. The consequence: sends of an unbudgeted caller are not
        counted against a budget another connection of the same account sets; give every
        connection of one account the same budget.
        """
        now = time.monotonic()
        checked = self._pause_checked.get(key)
        if checked is None or now - checked[0] >= PAUSE_RECHECK_SECONDS:
            with self.engine.connect() as conn:
                blocked_until, clock_now = self._pause_of(conn, key)
            remaining = max(0.0, blocked_until - clock_now)
            checked = (now, now + remaining)
            self._pause_checked[key] = checked
        wait = checked[1] - now
        if wait <= 0:
            return 0.0
        self._sleep(wait)
        return wait

    def note_server_wait(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        self._ensure_account(key)
        with self.engine.begin() as conn:
            blocked_until, now = self._lock_account(conn, key)
            if now + seconds > blocked_until:
                conn.execute(
                    self.accounts.update().where(self.accounts.c.account == key).values(blocked_until=now + seconds)
                )

    def drop_tables(self) -> None:
        """Remove this limiter's tables (tests use a unique prefix per run)."""
        self.metadata.drop_all(self.engine, checkfirst=True)

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["SqlRateLimiter"]
