"""The DAG bag over dags/: what Airflow's DAG processor sees."""

from pathlib import Path

import pytest

from puente.factory import register_dags

REPO = Path(__file__).resolve().parents[2]
GOOD = """
tenant: {name}
name: Demo {name}
country: CL
owner: ops-{name}
erp: {{vendor: bsale, conn_id: bsale_{name}, office_id: 1}}
channels:
  - {{vendor: jumpseller, conn_id: js_{name}}}
"""


def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_shipped_tenants_load_without_import_errors():
    bag = dag_bag()
    assert bag.import_errors == {}
    dag = bag.dags["andes_outdoor__catalog_sync"]
    assert {"andes_outdoor", "bsale", "jumpseller", "catalog_sync"} <= set(dag.tags)
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and "dry_run" in dag.doc_md
    assert set(dag.params) == {"dry_run", "full_resync", "skus"}
    assert {task.owner for task in dag.tasks} == {"ops-chile"}
    assert [t.task_id for t in dag.tasks] == ["sync__jumpseller_andes_outdoor", "report"]
    assert dag.tasks[0].retries == 2


def test_schedule_comes_from_config(tmp_path, monkeypatch):
    (tmp_path / "ta.yaml").write_text(GOOD.format(name="ta") + "flows: {catalog_sync: {schedule: '*/15 * * * *'}}\n")
    (tmp_path / "tb.yaml").write_text(GOOD.format(name="tb") + "flows: {catalog_sync: {schedule: null}}\n")
    (tmp_path / "tc.yaml").write_text(GOOD.format(name="tc") + "flows: {catalog_sync: {enabled: false}}\n")
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    assert namespace["ta__catalog_sync"].schedule == "*/15 * * * *"
    assert namespace["tb__catalog_sync"].schedule is None
    assert "tc__catalog_sync" not in namespace


def test_broken_file_keeps_other_tenants_and_shows_an_error_dag(tmp_path, monkeypatch):
    (tmp_path / "good.yaml").write_text(GOOD.format(name="good"))
    (tmp_path / "bad.yaml").write_text(GOOD.format(name="bad").replace("vendor: jumpseller", "vendor: shopifake"))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    bag = dag_bag()
    assert bag.import_errors == {}
    assert set(bag.dags) == {"good__catalog_sync", "config_error__bad"}
    error_dag = bag.dags["config_error__bad"]
    assert "config-error" in error_dag.tags
    assert "shopifake" in error_dag.doc_md
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match=r"channels\[0\]\.vendor: unknown vendor 'shopifake'"):
        error_dag.get_task("config_error").execute(context={})


def test_worker_builds_only_the_dag_it_runs(tmp_path, monkeypatch):
    for name in ("one", "two", "three"):
        (tmp_path / f"{name}.yaml").write_text(GOOD.format(name=name))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "two__catalog_sync")
    namespace: dict = {}
    register_dags(namespace)
    assert list(namespace) == ["two__catalog_sync"]
