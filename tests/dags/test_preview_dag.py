"""The preview DAG (issue 14.7): dry runs live in a never-scheduled DAG per tenant, and the scheduled
DAGs refuse them; plus the timetable fact the README states about unpausing an invoicing DAG."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from puente.factory import register_dags
from puente.operators.preview import dry_run_for

TENANT = """
tenant: {name}
name: Demo {name}
country: CL
erp: {{vendor: bsale, conn_id: bsale_{name}, office_id: 1}}
channels:
  - {{vendor: jumpseller, conn_id: js_{name}}}
  - {{vendor: jumpseller, conn_id: js2_{name}}}
flows: {flows}
"""


def dags(tmp_path, monkeypatch, **tenants: str) -> dict:
    for name, flows in tenants.items():
        (tmp_path / f"{name}.yaml").write_text(TENANT.format(name=name, flows=flows))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    return namespace


def test_one_never_scheduled_preview_dag_per_tenant_with_both_flows(tmp_path, monkeypatch):
    namespace = dags(tmp_path, monkeypatch, ta="{invoicing: {enabled: true}}",
                     tb="{catalog_sync: {enabled: false}, invoicing: {enabled: true}}")
    preview = namespace["ta__preview"]
    assert preview.schedule is None and preview.catchup is False
    assert preview.params["flow"] == "invoicing" and preview.params.get_param("flow").schema["enum"] == [
        "invoicing", "catalog_sync"]
    assert set(preview.params) == {"flow", "full_resync", "import_missing", "skus", "order_ids", "retry_errors",
                                   "date_from", "date_to"}
    assert sorted(t.task_id for t in preview.tasks) == [
        "catalog_sync__js2_ta", "catalog_sync__js_ta", "catalog_sync__report",
        "invoicing__js2_ta", "invoicing__js_ta", "invoicing__report"]
    assert all(task.preview is True for task in preview.tasks)  # the dry path is built in, not a param
    assert preview.get_task("invoicing__report").upstream_task_ids == {"invoicing__js_ta", "invoicing__js2_ta"}
    only_invoicing = namespace["tb__preview"]
    assert set(only_invoicing.params) == {"flow", "order_ids", "retry_errors", "date_from", "date_to"}
    assert only_invoicing.params.get_param("flow").schema["enum"] == ["invoicing"]


def test_no_preview_dag_without_a_flow_that_writes(tmp_path, monkeypatch):
    namespace = dags(tmp_path, monkeypatch, tc="{catalog_sync: {enabled: false}}")
    assert "tc__preview" not in namespace


def context(dag_id: str, params: dict, conf: dict | None = None) -> dict:
    return {"params": params, "dag_run": SimpleNamespace(dag_id=dag_id, conf=conf)}


@pytest.mark.parametrize("params, conf", [({"dry_run": True}, None), ({}, {"dry_run": True})])
def test_a_scheduled_dag_refuses_a_dry_run_with_a_pointer_to_the_preview(params, conf):
    with pytest.raises(AirflowFailException) as refused:
        dry_run_for(context("acme__invoicing", params, conf), "invoicing", preview=False)
    assert str(refused.value) == ("nothing done: this DAG has no dry run; preview in acme__preview "
                                  "(params: flow='invoicing' and the same options), which is never scheduled")
    assert dry_run_for(context("acme__invoicing", {"dry_run": False}, {}), "invoicing", preview=False) is False


def test_a_preview_task_is_always_dry_and_skips_for_the_other_flow():
    assert dry_run_for(context("acme__preview", {"flow": "catalog_sync"}), "catalog_sync", preview=True) is True
    with pytest.raises(AirflowSkipException, match="this preview is for 'catalog_sync', not 'invoicing'"):
        dry_run_for(context("acme__preview", {"flow": "catalog_sync"}), "invoicing", preview=True)


def test_unpausing_an_hourly_invoicing_dag_starts_the_latest_hour_at_once(tmp_path, monkeypatch):
    """What the README says: with catchup off, Airflow's cron timetable always offers the latest past
    tick, so the first run after an unpause is due now (the serialized timetable the scheduler uses)."""
    import pendulum
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.timetables.base import DataInterval, TimeRestriction

    dag = DagSerialization.from_dict(DagSerialization.to_dict(dags(tmp_path, monkeypatch,
                                                            td="{invoicing: {enabled: true}}")["td__invoicing"]))
    now = pendulum.now("UTC")
    restriction = TimeRestriction(earliest=dag.start_date, latest=None, catchup=False)
    first = dag.timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert now - timedelta(hours=1) <= first.run_after <= now  # due already: created at once
    long_ago = DataInterval(now - timedelta(days=3), now - timedelta(days=3))  # paused for three days
    again = dag.timetable.next_dagrun_info(last_automated_data_interval=long_ago, restriction=restriction)
    assert now - timedelta(hours=1) <= again.run_after <= now  # one run, the latest hour, at once
