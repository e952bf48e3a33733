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
    assert dag.doc_md and "A dry run is `andes_outdoor__preview` (never scheduled)" in dag.doc_md
    assert set(dag.params) == {"full_resync", "import_missing", "skus"}  # dry runs: the preview DAG only
    assert {task.owner for task in dag.tasks} == {"ops-chile"}
    assert [t.task_id for t in dag.tasks] == ["sync__jumpseller_andes_outdoor", "report", "watcher"]
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
    assert set(bag.dags) == {"good__catalog_sync", "good__preview", "config_error__bad", "puente__watch"}
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
    assert list(namespace) == ["two__catalog_sync"]  # (its tenant's preview DAG is left out too)
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "two__preview")
    namespace = {}
    register_dags(namespace)
    assert list(namespace) == ["two__preview"]


def test_invoicing_dag_maps_chunks_and_follows_auto_invoicing(tmp_path, monkeypatch):
    (tmp_path / "ta.yaml").write_text(GOOD.format(name="ta") + "flows: {invoicing: {enabled: true}}\n")
    manual_only = "flows: {invoicing: {enabled: true, auto_invoicing: false}}\n"
    (tmp_path / "tb.yaml").write_text(GOOD.format(name="tb") + manual_only)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    dag = namespace["ta__invoicing"]
    assert dag.schedule == "@hourly" and namespace["tb__invoicing"].schedule is None
    assert set(dag.params) == {"order_ids", "retry_errors", "date_from", "date_to", "sku_overrides", "channel"}
    assert "Unpausing this DAG invoices at once" in dag.doc_md
    assert "Unpausing" not in namespace["tb__invoicing"].doc_md  # manual only: unpausing starts nothing
    assert {"ta", "invoicing", "bsale", "jumpseller"} <= set(dag.tags)
    invoice = dag.get_task("invoice__js_ta")
    assert invoice.__class__.__name__ == "MappedOperator"
    assert dag.get_task("collect__js_ta").downstream_task_ids == {"invoice__js_ta", "watcher"}
    assert dag.get_task("report").upstream_task_ids == {"attach__js_ta"}
    assert dag.get_task("watcher").trigger_rule == "one_failed"
    assert dag.get_task("watcher").upstream_task_ids == {t.task_id for t in dag.tasks} - {"watcher", "needs_attention"}
    attention = dag.get_task("needs_attention")  # a leaf after the report: red when orders wait for a person
    assert attention.upstream_task_ids == {"report"} and attention.downstream_task_ids == set()
    assert (attention.trigger_rule, attention.retries) == ("all_done", 0)


def test_an_option_the_erp_cannot_do_is_a_config_error(tmp_path, monkeypatch):
    facto = GOOD.format(name="tf").replace("{vendor: bsale, conn_id: bsale_tf, office_id: 1}",
                                           "{vendor: facto, conn_id: facto_tf}")
    (tmp_path / "tf.yaml").write_text(facto)  # catalog sync is on by default, Facto has no catalog
    (tmp_path / "tg.yaml").write_text(facto.replace("tenant: tf", "tenant: tg")
                                      + "flows: {catalog_sync: {enabled: false}, invoicing: {enabled: true}}\n")
    (tmp_path / "th.yaml").write_text(facto.replace("tenant: tf", "tenant: th").replace("conn_id: facto_tf}",
                                                                                       "conn_id: f, office_id: 1}"))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    assert set(namespace) == {"config_error__tf", "tg__invoicing", "tg__decisions", "tg__preview", "config_error__th",
                              "puente__watch"}
    assert "facto has no catalog API" in namespace["config_error__tf"].doc_md
    assert "erp.office_id: facto has no option 'office_id' (bsale has it)" in namespace["config_error__th"].doc_md


def test_crm_sync_runs_one_tenant_day_per_run_with_date_range_params(tmp_path, monkeypatch):
    from airflow.sdk import CronDataIntervalTimetable

    crm = """
tenant: {name}
name: CRM {name}
country: CO
timezone: America/Bogota
erp: {{vendor: siigo, conn_id: siigo_{name}}}
crm: {{vendor: escala, conn_id: escala_{name}}}
channels: []
flows:
  catalog_sync: {{enabled: false}}
  crm_sync: {{enabled: true, cedula_field: cf_contact_cedula_text, catchup: {catchup}}}
"""
    (tmp_path / "ca.yaml").write_text(crm.format(name="ca", catchup="false"))
    (tmp_path / "cb.yaml").write_text(crm.format(name="cb", catchup="true"))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    assert set(namespace) == {"ca__crm_sync", "cb__crm_sync", "puente__watch"}
    dag = namespace["ca__crm_sync"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)  # a real one-day interval, backfillable
    assert (dag.timetable.expression, str(dag.timetable.timezone)) == ("0 0 * * *", "America/Bogota")
    assert dag.catchup is False and namespace["cb__crm_sync"].catchup is True
    assert set(dag.params) == {"start_date", "end_date"}
    assert all(dag.params.get_param(name).schema.get("format") == "date" for name in ("start_date", "end_date"))
    assert {"ca", "crm_sync", "siigo", "escala"} <= set(dag.tags)


COLOMBIA = """
tenant: {name}
name: Demo {name}
country: CO
timezone: America/Bogota
erp: {{vendor: siigo, conn_id: siigo_{name}}}
channels:
{channels}
flows: {{catalog_sync: {{enabled: {sync}}}, invoicing: {{enabled: true}}}}
"""


def test_catalog_sync_writes_only_to_channels_that_take_a_catalog(tmp_path, monkeypatch):
    both = "  - {vendor: astroselling, conn_id: astro_co}\n  - {vendor: mercadolibre, conn_id: meli_co}"
    (tmp_path / "co.yaml").write_text(COLOMBIA.format(name="co", channels=both, sync="true"))
    meli = "  - {vendor: mercadolibre, conn_id: meli_only}"
    (tmp_path / "only.yaml").write_text(COLOMBIA.format(name="only", channels=meli, sync="false"))
    (tmp_path / "wrong.yaml").write_text(COLOMBIA.format(name="wrong", channels=meli, sync="true"))
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    sync = namespace["co__catalog_sync"]
    assert [t.task_id for t in sync.tasks if t.task_id.startswith("sync")] == ["sync__astro_co"]
    invoicing = namespace["co__invoicing"]
    assert {t.task_id for t in invoicing.tasks if t.task_id.startswith("collect")} == {
        "collect__astro_co", "collect__meli_co"
    }
    assert "only__invoicing" in namespace and "only__catalog_sync" not in namespace
    error = namespace["config_error__wrong"].tasks[0].message
    assert "no channel takes stock and prices (mercadolibre only gives orders" in error
