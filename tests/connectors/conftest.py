"""Fixtures shared by connector tests: a vendor hook on an env connection to a running sandbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def contabilium_hook(set_conn, limiter) -> Callable:
    """``contabilium_hook(sandbox, conn_id)``: a ContabiliumHook with the sandbox's default credentials."""
    from puente.vendors.contabilium.hook import ContabiliumHook
    from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET

    def connect(sandbox, conn_id: str) -> ContabiliumHook:
        set_conn(conn_id, conn_type="contabilium", host=sandbox.base_url, login=DEFAULT_CONTABILIUM_CLIENT_ID,
                 password=DEFAULT_CONTABILIUM_CLIENT_SECRET)
        return ContabiliumHook(conn_id, limiter=limiter)

    return connect
