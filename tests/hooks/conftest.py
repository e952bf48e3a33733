"""Fixtures for hook tests: the scripted loopback server, a private limiter, env connections."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from puente.hooks.ratelimit import InProcessRateLimiter

from .scripted_server import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def limiter() -> InProcessRateLimiter:
    """A fresh limiter per test, so budgets spent by one test never slow another."""
    return InProcessRateLimiter()


@pytest.fixture
def set_conn(monkeypatch: pytest.MonkeyPatch):
    """``set_conn("bsale_test", conn_type="bsale", host=..., password=...)`` -> env connection."""

    def _set(conn_id: str, **fields: Any) -> str:
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        return conn_id

    return _set
