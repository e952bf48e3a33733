"""The shared conformance suites: every vendor plug-in that declares a capability passes its suite,
against its own sandbox, through the harness its declaration names (``VendorSpec.sandbox``).

The list of vendors per suite is printed in pytest's header (tests/conftest.py); see
conformance_kit.py for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from conformance_kit import harness_of, hook_class

from puente.connectors import registry


@pytest.fixture
def quick_retries(monkeypatch) -> Callable[[type], type]:
    """Shrink a hook's backoff (not its attempt count or its honouring of wait hints)."""

    def shrink(cls: type) -> type:
        monkeypatch.setattr(cls, "backoff_base", 0.01)
        monkeypatch.setattr(cls, "backoff_max", 0.05)
        return cls

    return shrink


@pytest.fixture
def connector(connect, quick_retries) -> Callable[..., object]:
    """``connector(capability, vendor, handle)``: the vendor's connector for that capability, built
    from its tenant-file section on a connection to the sandbox, as the flows build it."""

    def build(capability: str, vendor: str, handle, **options):
        quick_retries(hook_class(vendor))
        settings = registry.load(registry.vendor(vendor).settings).model_validate(
            harness_of(vendor).settings(connect(vendor, handle)))
        return registry.connector_class(capability, vendor)(settings, **options)

    return build


@pytest.fixture
def connect(monkeypatch) -> Iterator[Callable[..., str]]:
    """``connect(vendor, handle, good=True)`` -> the id of an env connection to the sandbox."""
    made = iter(range(1, 1000))

    def _connect(vendor: str, handle, *, good: bool = True) -> str:
        harness = harness_of(vendor)
        fields = harness.connection(handle) if good else harness.bad_connection(handle)
        conn_id = f"conformance_{vendor}_{next(made)}"
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        return conn_id

    yield _connect


@pytest.fixture(autouse=True)
def _own_state_database(monkeypatch, tmp_path):
    """Each case keeps Puente's state (limiter, rotated tokens) to itself."""
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")


@pytest.fixture(autouse=True)
def _deployment_fernet_key(fernet_key):
    """A deployment's [core] fernet_key: sources that keep rotated tokens refuse to start without one."""
    return fernet_key
