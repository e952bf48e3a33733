"""Webhook test set-up: a tenants directory with two Bsale tenants, a Facto tenant and a broken file.

Each Bsale tenant's secret is a field of its own Bsale connection (``webhook_token``), given to
Airflow as ``AIRFLOW_CONN_*`` variables, the way an operator's secrets backend would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from puente.state.store import StateStore
from puente.web.app import create_app

DEMO_TENANTS = Path(__file__).resolve().parents[2] / "include" / "tenants"
NOW = 1717200030  # the receiver's clock in these tests: 30 s after EVENT was sent
EVENT = {"cpnId": 2, "resource": "/v2/stocks.json?variant=3960&office=1", "resourceId": "3960",
         "topic": "stock", "action": "put", "officeId": "1", "send": 1717200000}
TOKENS = {"andes_outdoor": "andes-outdoor-hook-0001", "andes_sur": "andes-sur-hook-0002"}
FACTO_TENANT = "costa_libros"  # invoices through Facto: no Bsale source, so no Bsale webhook
UNARMED_TENANT = "andes_norte"  # a Bsale tenant whose connection has no webhook token
BROKEN_TENANT = "andes_roto"


@dataclass
class Receiver:
    """The receiver under test and every run it asked Airflow to create."""

    client: TestClient
    created: dict[str, dict] = field(default_factory=dict)
    calls: int = 0

    def post(self, tenant: str, token: str | None = None, **kwargs):
        query = "" if token is None else f"?token={token}"
        return self.client.post(f"/webhooks/bsale/{tenant}{query}", **kwargs)


def _bsale_tenant(directory: Path, tenant: str) -> None:
    text = (DEMO_TENANTS / "andes_outdoor.yaml").read_text().replace("andes_outdoor", tenant)
    (directory / f"{tenant}.yaml").write_text(text)


def _bsale_connection(monkeypatch, conn_id: str, token: str | None) -> None:
    extra = {"office_id": 1} | ({"webhook_token": token} if token else {})
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(
        {"conn_type": "bsale", "host": "http://127.0.0.1:9", "password": "bsale-access-token", "extra": extra}))


def make_receiver(monkeypatch, tmp_path: Path) -> Receiver:
    """Tenant files, connections and state for one test; the receiver with a recording trigger."""
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    for tenant in (*TOKENS, UNARMED_TENANT):
        _bsale_tenant(tenants, tenant)
    (tenants / f"{FACTO_TENANT}.yaml").write_text((DEMO_TENANTS / f"{FACTO_TENANT}.yaml").read_text())
    (tenants / f"{BROKEN_TENANT}.yaml").write_text(f"tenant: {BROKEN_TENANT}\nerp: {{vendor: bsale}}\n")
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tenants))
    for tenant, token in TOKENS.items():
        _bsale_connection(monkeypatch, f"bsale_{tenant}", token)
    _bsale_connection(monkeypatch, f"bsale_{UNARMED_TENANT}", None)
    facto = {"conn_type": "facto", "login": "u", "password": "p"}
    monkeypatch.setenv("AIRFLOW_CONN_FACTO_COSTA_LIBROS", json.dumps(facto))
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    StateStore().save_links("andes_outdoor", "js", [{"sku": "SKU-9", "status": "linked", "source_id": "3960"}])

    result = Receiver(client=None)  # type: ignore[arg-type]

    def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
        result.calls += 1
        if run_id in result.created:
            return False
        result.created[run_id] = {"dag_id": dag_id, "conf": conf}
        return True

    # raise_server_exceptions=False: a bug answers 500 here, as a real server would, and is counted.
    result.client = TestClient(create_app(trigger=trigger, clock=lambda: NOW), raise_server_exceptions=False)
    return result
