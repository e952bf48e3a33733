"""The webhook receiver over its own tenants directory (see webhook_tenants.py)."""

import pytest
from webhook_tenants import Receiver, make_receiver


@pytest.fixture
def receiver(monkeypatch, tmp_path) -> Receiver:
    return make_receiver(monkeypatch, tmp_path)
