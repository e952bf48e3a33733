"""A tenant file may name another tenant's connection only when that tenant shares it (hardening finding 5).

Before the fix ``evil.yaml`` naming ``bsale_andes_outdoor`` next to the demo tenants validated."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contabilium_tenants import write

from puente.config.loader import DEFAULT_TENANTS_DIR, ConfigError, load_tenant_file, load_tenants, tenant_files
from puente.factory import register_dags

EVIL = """
tenant: evil
name: Evil
country: CL
erp: {vendor: bsale, conn_id: bsale_andes_outdoor, office_id: 1}
channels: [{vendor: jumpseller, conn_id: jumpseller_evil}]
"""

def contabilium(directory: Path, name: str, account: str, store: str, extra: str = "") -> Path:
    return write(directory, name, account, store, extra=extra)


def reasons(result, name: str) -> dict[str, str]:
    error = next(error for error in result.errors if error.path.name == name)
    return {field_error.field: field_error.reason for field_error in error.errors}


@pytest.fixture
def demo_and_evil(tmp_path) -> Path:
    for path in tenant_files(DEFAULT_TENANTS_DIR):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "evil.yaml").write_text(EVIL)
    return tmp_path


def test_a_file_naming_another_tenants_connection_is_rejected_and_the_owner_keeps_working(demo_and_evil):
    demo = sorted(path.stem for path in tenant_files(DEFAULT_TENANTS_DIR))
    result = load_tenants(tenant_files(demo_and_evil))
    assert sorted(result.tenants) == demo
    assert [error.path.name for error in result.errors] == ["evil.yaml"]
    reason = reasons(result, "evil.yaml")["erp.conn_id"]
    assert "'bsale_andes_outdoor' belongs to tenant 'andes_outdoor' (andes_outdoor.yaml)" in reason
    assert "shared_connections.bsale_andes_outdoor" in reason


def test_a_worker_loading_one_file_reaches_the_same_verdict(demo_and_evil):
    alone = load_tenants([demo_and_evil / "evil.yaml"])
    assert alone.tenants == {} and "andes_outdoor" in reasons(alone, "evil.yaml")["erp.conn_id"]
    owner = load_tenants([demo_and_evil / "andes_outdoor.yaml"])
    assert list(owner.tenants) == ["andes_outdoor"] and owner.errors == []


def test_validate_and_the_dag_file_name_the_refused_connection(demo_and_evil, monkeypatch):
    done = subprocess.run([sys.executable, "-m", "puente.cli", "validate", "--dir", str(demo_and_evil)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "evil.yaml: erp.conn_id" in done.stderr and "andes_outdoor" in done.stderr
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(demo_and_evil))
    namespace: dict = {}
    register_dags(namespace)
    assert "config_error__evil" in namespace and "andes_outdoor__invoicing" in namespace
    assert not any(dag_id.startswith("evil__") for dag_id in namespace)


def test_a_connection_no_tenant_owns_is_refused_to_every_file_naming_it(tmp_path):
    contabilium(tmp_path, "norte", "cb_common", "js_norte")
    contabilium(tmp_path, "sur", "cb_common", "js_sur")
    result = load_tenants(tenant_files(tmp_path))
    assert result.tenants == {}
    assert "also named in sur.yaml" in reasons(result, "norte.yaml")["erp.conn_id"]
    assert "also named in norte.yaml" in reasons(result, "sur.yaml")["erp.conn_id"]


def test_one_contabilium_account_serves_the_stores_its_owner_shares_it_with(tmp_path):
    contabilium(tmp_path, "rosario_hogar", "contabilium_rosario_hogar", "js_hogar",
                extra="shared_connections: {contabilium_rosario_hogar: [rosario_outlet]}")
    contabilium(tmp_path, "rosario_outlet", "contabilium_rosario_hogar", "js_outlet")
    contabilium(tmp_path, "intruso", "contabilium_rosario_hogar", "js_intruso")
    result = load_tenants(tenant_files(tmp_path))
    assert sorted(result.tenants) == ["rosario_hogar", "rosario_outlet"]
    assert "lists 'intruso' under shared_connections" in reasons(result, "intruso.yaml")["erp.conn_id"]


def test_a_sharer_not_named_after_its_connection_still_owns_it(tmp_path):
    contabilium(tmp_path, "uno", "cb_shared", "js_a", extra="shared_connections: {cb_shared: [dos]}")
    contabilium(tmp_path, "dos", "cb_shared", "js_c")
    result = load_tenants(tenant_files(tmp_path))
    assert result.errors == [] and sorted(result.tenants) == ["dos", "uno"]
    assert list(load_tenants([tmp_path / "dos.yaml"]).tenants) == ["dos"]  # a worker agrees


def test_a_store_belongs_to_one_tenant(tmp_path):
    """Contabilium: one Jumpseller store cannot be linked to two accounts; no ERP: two tenants on one
    store would each invoice its orders. The store's named owner keeps it."""
    contabilium(tmp_path, "norte", "cb_norte", "jumpseller_norte")
    contabilium(tmp_path, "sur", "cb_sur", "jumpseller_norte")
    result = load_tenants(tenant_files(tmp_path))
    assert list(result.tenants) == ["norte"]
    reason = reasons(result, "sur.yaml")["channels[0].conn_id"]
    assert "tenant 'norte''s store (norte.yaml)" in reason and "invoice its orders" in reason


@pytest.mark.parametrize(("extra", "expected"), [
    ("shared_connections: {jumpseller_norte: [sur]}", "a channel cannot be shared"),
    ("shared_connections: {cb_other: [sur]}", "this file does not name that connection"),
    ("shared_connections: {cb_norte: []}", "name the tenants that may use it"),
    ("shared_connections: {cb_norte: [norte]}", "is not another tenant's id"),
    ("shared_connections: {cb_norte: ['Sur Store']}", "is not another tenant's id"),
    ("crm: {vendor: escala, conn_id: CB_NORTE}", "one connection cannot be both the CRM and the ERP"),
])
def test_shared_connections_are_validated(tmp_path, extra, expected):
    loaded = load_tenant_file(contabilium(tmp_path, "norte", "cb_norte", "jumpseller_norte", extra=extra))
    assert isinstance(loaded, ConfigError)
    assert expected in loaded.message()


def test_a_shared_connection_must_be_used_as_its_owner_uses_it(tmp_path):
    contabilium(tmp_path, "norte", "cb_norte", "js_norte", extra="shared_connections: {cb_norte: [sur]}")
    (tmp_path / "sur.yaml").write_text(
        "tenant: sur\nname: Sur\ncountry: CL\nerp: {vendor: bsale, conn_id: cb_norte, office_id: 1}\n"
        "channels: [{vendor: jumpseller, conn_id: js_sur}]\n")
    result = load_tenants(tenant_files(tmp_path))
    assert "shares 'cb_norte' as the ERP (contabilium); here it is the ERP (bsale)" in (
        reasons(result, "sur.yaml")["erp.conn_id"])


def test_connection_ids_are_compared_without_case(tmp_path):
    contabilium(tmp_path, "norte", "cb_norte", "jumpseller_norte")
    contabilium(tmp_path, "sur", "cb_sur", "JUMPSELLER_NORTE")
    result = load_tenants(tenant_files(tmp_path))
    assert list(result.tenants) == ["norte"]


def test_sharing_another_tenants_connection_does_not_take_it(demo_and_evil):
    evil = demo_and_evil / "evil.yaml"
    evil.write_text(EVIL + "shared_connections: {bsale_andes_outdoor: [andes_outdoor]}\n")
    for result in (load_tenants(tenant_files(demo_and_evil)), load_tenants([evil])):
        assert "evil" not in result.tenants
        assert "belongs to tenant 'andes_outdoor'" in reasons(result, "evil.yaml")["erp.conn_id"]
    assert list(load_tenants([demo_and_evil / "andes_outdoor.yaml"]).tenants) == ["andes_outdoor"]
