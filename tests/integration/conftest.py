"""Shared fixture for real-DAG tests: a tenant file, its Airflow connections, its DAGs."""

from __future__ import annotations

import json

import pytest

from puente.factory import register_dags


@pytest.fixture
def tenant_from(tmp_path, monkeypatch, airflow_db, dag_state_url):
    """Write a tenant file + connections, return its DAGs by flow name."""

    def build(tenant: str, text: str, connections: dict[str, dict]) -> dict:
        (tmp_path / f"{tenant}.yaml").write_text(text)
        monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
        monkeypatch.setenv("PUENTE_STATE_URL", dag_state_url)
        for conn_id, fields in connections.items():
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
        namespace: dict = {}
        register_dags(namespace)
        return {dag_id.split("__", 1)[1]: dag for dag_id, dag in namespace.items() if dag_id.startswith(tenant)}

    return build
