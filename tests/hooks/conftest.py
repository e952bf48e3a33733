"""Fixtures for hook tests: the scripted loopback server (a private limiter and env connections are in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .scripted_server import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()
