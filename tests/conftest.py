"""Test session set-up: an isolated Airflow home, the sandbox fixtures, and state-store databases.

Airflow reads its configuration at import time, so the environment is fixed here, before any
test module imports Airflow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_HOME = Path(tempfile.mkdtemp(prefix="puente-test-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(_HOME / "logs"),
        "PUENTE_TENANTS_DIR": str(REPO / "include" / "tenants"),
        "PUENTE_STATE_URL": f"sqlite:///{_HOME / 'puente_state.db'}",
    }
)
for name in [key for key in os.environ if key.startswith("AIRFLOW_CONN_")]:
    del os.environ[name]

pytest_plugins = ["puente_sandbox.pytest_plugin"]

POSTGRES_URL = os.environ.get(
    "PUENTE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("PUENTE_REQUIRE_POSTGRES") == "1"


def airflow_home() -> Path:
    return _HOME


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated Airflow metadata DB (SQLite) for tests that run real DAGs."""
    marker = _HOME / ".migrated"
    if not marker.exists():
        airflow = Path(sys.executable).with_name("airflow")
        done = subprocess.run([str(airflow), "db", "migrate"], capture_output=True, text=True, env=os.environ)
        if done.returncode != 0:
            pytest.fail(f"airflow db migrate failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        marker.touch()
    return _HOME


def _postgres_reachable() -> str | None:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"


def _create_schema(prefix: str):
    """A new, uniquely named schema on the server; returns ``(name, engine)`` for dropping it later."""
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    return schema, engine


def _schema_url(schema: str) -> str:
    """The server's URL with ``schema`` as the search path, so every table lands in it."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def pytest_report_header(config) -> list[str]:
    """Which vendors each conformance suite runs on (tests/conformance/): every installed plug-in."""
    from puente.connectors import registry
    from puente.connectors.spec import CAPABILITIES

    lines = [f"conformance: connection: {', '.join(sorted(registry.vendors()))}"]
    lines += [f"conformance: {capability}: {', '.join(sorted(registry.vendors_with(capability))) or '(none)'}"
              for capability in CAPABILITIES]
    return lines


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A private schema on the PostgreSQL server, so parallel runs never share tables."""
    import sqlalchemy as sa

    problem = _postgres_reachable()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem + " (PUENTE_REQUIRE_POSTGRES=1)")
        pytest.skip(problem)
    schema, engine = _create_schema("puente_test")
    yield _schema_url(schema)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def new_postgres_schema(postgres_url) -> Iterator[Callable[[], str]]:
    """Make empty schemas on the PostgreSQL server (URL per schema), all dropped after the test."""
    import sqlalchemy as sa

    made = []

    def make() -> str:
        made.append(_create_schema("puente_fresh"))
        return _schema_url(made[-1][0])

    yield make
    for schema, engine in made:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path) -> str:
    """Every state-store test runs on both the embedded default and the production database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    base = request.getfixturevalue("postgres_url")
    import sqlalchemy as sa

    from puente.state.tables import metadata

    engine = sa.create_engine(base)
    metadata.drop_all(engine)
    engine.dispose()
    return base


@pytest.fixture
def dag_state_url(request, tmp_path) -> Iterator[str]:
    """Puente's state database for real-DAG tests: SQLite unless parametrized with ``"postgresql"``
    (``dag_runs.BOTH_STATE_BACKENDS``).

    On PostgreSQL each test gets a schema of its own (the tasks also keep the shared rate-limit
    tables there), dropped afterwards with the engines this process cached for it.
    """
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    import sqlalchemy as sa

    request.getfixturevalue("postgres_url")  # skips (or fails, when required) without a server
    schema, admin = _create_schema("puente_dag")
    url = _schema_url(schema)
    try:
        yield url
    finally:
        from puente.hooks import ratelimit
        from puente.state import store

        for key in [key for key in ratelimit._limiters if key[1] == url]:
            ratelimit._limiters.pop(key).dispose()
        store._engine(url).dispose()
        with admin.begin() as conn:
            tables = conn.execute(sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                                  {"s": schema}).scalars().all()
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        # A test that asked for PostgreSQL state must have kept its state there, not silently elsewhere.
        assert tables, f"nothing of Puente's state reached PostgreSQL schema {schema}"


@pytest.fixture(autouse=True)
def _task_env_is_per_test(monkeypatch):
    """Tasks export PUENTE_RATE_LIMIT_URL for their hooks; never let one test's value leak into the next."""
    monkeypatch.delenv("PUENTE_RATE_LIMIT_URL", raising=False)


@pytest.fixture
def limiter():
    """A fresh in-process limiter per test, so budgets spent by one test never slow another."""
    from puente.hooks.ratelimit import InProcessRateLimiter

    return InProcessRateLimiter()


@pytest.fixture
def fernet_key(monkeypatch) -> Iterator[str]:
    """Airflow's [core] fernet_key, as a deployment has it (the test home has none)."""
    from airflow.sdk.crypto import get_fernet
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", key)
    get_fernet.cache_clear()
    yield key
    get_fernet.cache_clear()


@pytest.fixture
def set_conn(monkeypatch):
    """``set_conn("bsale_test", conn_type="bsale", host=..., password=...)`` -> an env connection."""
    import json

    def _set(conn_id: str, **fields) -> str:
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        return conn_id

    return _set


@pytest.fixture(autouse=True)
def fresh_token_caches():
    """Every test starts and ends without vendor tokens cached in this process (Siigo, Contabilium,
    Mercado Libre keep them per account across hook instances, as a task process would)."""
    from puente.vendors.contabilium import hook as contabilium
    from puente.vendors.mercadolibre import hook as mercadolibre
    from puente.vendors.siigo import hook as siigo

    caches = (contabilium.clear_token_cache, mercadolibre.clear_token_cache, siigo.clear_token_cache)
    for clear in caches:
        clear()
    yield
    for clear in caches:
        clear()


@pytest.fixture
def server():
    """The scripted loopback server of the transport tests (scripted_server.py)."""
    from scripted_server import ScriptedServer

    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def contabilium_hook(set_conn, limiter):
    """``contabilium_hook(sandbox, conn_id)``: a ContabiliumHook with the sandbox's default credentials."""
    from puente.vendors.contabilium.hook import ContabiliumHook
    from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET

    def connect(sandbox, conn_id: str) -> ContabiliumHook:
        set_conn(conn_id, conn_type="contabilium", host=sandbox.base_url, login=DEFAULT_CONTABILIUM_CLIENT_ID,
                 password=DEFAULT_CONTABILIUM_CLIENT_SECRET)
        return ContabiliumHook(conn_id, limiter=limiter)

    return connect
