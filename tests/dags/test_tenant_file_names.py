"""Whatever a tenant file is called, the other tenants keep their DAGs (hostile review, finding 1).

A file named ``Andes Outdoor (copy).yaml`` beside the demo tenants made Airflow's DagBag load no
DAG at all: its ``config_error__Andes Outdoor (copy)`` DAG id was refused, and the import error took
the whole DAG file down. Two files for one tenant id (``.yaml`` and ``.yml``, or another case) let
one silently replace the other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from puente.factory import register_dags

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "include" / "tenants"


def demo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "tenants"
    shutil.copytree(DEMO, directory)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(directory))
    return directory


def demo_dag_ids(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(DEMO))
    namespace: dict = {}
    register_dags(namespace)
    return set(namespace)


def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_a_file_name_no_dag_id_can_hold_keeps_every_demo_dag(tmp_path, monkeypatch):
    expected = demo_dag_ids(monkeypatch)
    directory = demo_copy(tmp_path, monkeypatch)
    shutil.copy(directory / "andes_outdoor.yaml", directory / "Andes Outdoor (copy).yaml")
    bag = dag_bag()
    assert bag.import_errors == {}
    errors = {dag_id for dag_id in bag.dags if dag_id.startswith("config_error__")}
    assert set(bag.dags) - errors == expected
    assert len(errors) == 1
    (error_id,) = errors
    task = bag.dags[error_id].get_task("config_error")
    assert "Andes Outdoor (copy).yaml" in task.message and "file name" in task.message


@pytest.mark.parametrize("other", ["andes_outdoor.yml", "Andes_Outdoor.yaml", "ANDES_OUTDOOR.YML"])
def test_two_files_for_one_tenant_are_both_rejected_each_naming_the_other(tmp_path, monkeypatch, other):
    directory = demo_copy(tmp_path, monkeypatch)
    original = directory / "andes_outdoor.yaml"
    (directory / other).write_text(original.read_text())
    namespace: dict = {}
    register_dags(namespace)
    assert not any(dag_id.startswith("andes_outdoor__") for dag_id in namespace)  # neither wins
    assert "cali_deportes__invoicing" in namespace  # the others keep theirs
    errors = {dag_id: dag.get_task("config_error").message for dag_id, dag in namespace.items()
              if dag_id.startswith("config_error__")}
    assert len(errors) == 2, sorted(errors)
    for message in errors.values():
        assert "andes_outdoor.yaml" in message and other in message


def test_a_worker_sees_the_duplicate_too(tmp_path, monkeypatch):
    """The worker reads only its DAG's file: it must still find the twin and agree with the scheduler."""
    directory = demo_copy(tmp_path, monkeypatch)
    (directory / "Andes_Outdoor.yml").write_text((directory / "andes_outdoor.yaml").read_text())
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "andes_outdoor__invoicing")
    namespace: dict = {}
    register_dags(namespace)
    assert "andes_outdoor__invoicing" not in namespace
    assert sum(dag_id.startswith("config_error__") for dag_id in namespace) == 2


def test_a_worker_finds_a_config_error_dag_of_an_odd_file_name(tmp_path, monkeypatch):
    directory = demo_copy(tmp_path, monkeypatch)
    (directory / "Andes Outdoor (copy).yaml").write_text("tenant: x\n")
    namespace: dict = {}
    register_dags(namespace)
    (error_id,) = [dag_id for dag_id in namespace if dag_id.startswith("config_error__")]
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", error_id)
    on_worker: dict = {}
    register_dags(on_worker)
    assert error_id in on_worker


@pytest.mark.parametrize("content", ["tenant: [unclosed\n", "- a list\n", "\x00\x01binary", "tenant: a__b\n"])
def test_any_content_keeps_the_others(tmp_path, monkeypatch, content):
    directory = demo_copy(tmp_path, monkeypatch)
    (directory / "weird name ñ.yml").write_text(content, encoding="utf-8")
    namespace: dict = {}
    register_dags(namespace)
    assert "andes_outdoor__catalog_sync" in namespace
    assert sum(dag_id.startswith("config_error__") for dag_id in namespace) == 1


def test_a_tenant_id_cannot_hold_the_dag_id_separator(tmp_path, monkeypatch):
    from puente.config.loader import load_tenant_file

    text = (DEMO / "andes_outdoor.yaml").read_text().replace("tenant: andes_outdoor", "tenant: andes__outdoor")
    path = tmp_path / "andes__outdoor.yaml"
    path.write_text(text)
    error = load_tenant_file(path)
    assert not hasattr(error, "erp")
    assert any("__" in e.reason for e in error.errors)


def test_a_dag_that_fails_to_build_becomes_a_config_error_not_a_lost_dag_file(tmp_path, monkeypatch):
    from puente import factory

    demo_copy(tmp_path, monkeypatch)
    real = factory.FLOW_BUILDERS["invoicing"]

    def breaks_for_one(config):
        if config.tenant == "costa_libros":
            raise ValueError("boom while building")
        return real(config)

    monkeypatch.setitem(factory.FLOW_BUILDERS, "invoicing", breaks_for_one)
    namespace: dict = {}
    register_dags(namespace)
    assert "andes_outdoor__invoicing" in namespace
    assert not any(dag_id.startswith("costa_libros__") for dag_id in namespace)
    assert "boom while building" in namespace["config_error__costa_libros"].get_task("config_error").message


def test_validate_names_the_odd_file_and_the_twins(tmp_path, monkeypatch):
    directory = demo_copy(tmp_path, monkeypatch)
    shutil.copy(directory / "andes_outdoor.yaml", directory / "Andes Outdoor (copy).yaml")
    shutil.copy(directory / "cali_deportes.yaml", directory / "cali_deportes.yml")
    done = subprocess.run([str(Path(sys.executable).with_name("puente")), "validate", "--dir", str(directory)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Andes Outdoor (copy).yaml" in done.stderr
    assert "cali_deportes.yml" in done.stderr and "cali_deportes.yaml" in done.stderr
    assert "6 valid" not in done.stdout and "5 valid" in done.stdout
