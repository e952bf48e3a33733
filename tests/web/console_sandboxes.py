"""Point the console tests' ``andes_outdoor`` tenant at the real Bsale and Jumpseller sandboxes."""

from __future__ import annotations

import json
from pathlib import Path

from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

BSALE_CONN, JUMPSELLER_CONN = "bsale_andes_outdoor", "jumpseller_andes_outdoor"


def connect(monkeypatch, tmp_path: Path, bsale_url: str, jumpseller_url: str) -> None:
    """The tenant file reads the sandbox's price list 1; connections name the sandboxes (or any URL)."""
    tenant_file = tmp_path / "tenants" / "andes_outdoor.yaml"
    tenant_file.write_text(tenant_file.read_text().replace("price_list_id: 2", "price_list_id: 1"))
    monkeypatch.setenv(f"AIRFLOW_CONN_{BSALE_CONN.upper()}", json.dumps(
        {"conn_type": "bsale", "host": bsale_url, "password": DEFAULT_ACCESS_TOKEN,
         "extra": {"rate_limit_per_second": 0}}))
    monkeypatch.setenv(f"AIRFLOW_CONN_{JUMPSELLER_CONN.upper()}", json.dumps(
        {"conn_type": "jumpseller", "host": jumpseller_url, "login": DEFAULT_LOGIN, "password": DEFAULT_AUTHTOKEN}))
