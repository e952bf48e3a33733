import subprocess
import sys
from pathlib import Path

import pytest

from puente.config.loader import ConfigError, load_tenant_file, load_tenants, tenant_files
from puente.config.models import TenantConfig

VALID = """
tenant: {name}
name: Demo
country: CL
erp: {{vendor: bsale, conn_id: bsale_demo, office_id: 1}}
channels:
  - {{vendor: jumpseller, conn_id: js_demo}}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text)
    return path


def errors_of(result) -> dict[str, str]:
    assert isinstance(result, ConfigError), result
    return {error.field: error.reason for error in result.errors}


def test_shipped_tenant_files_are_valid():
    result = load_tenants(tenant_files())
    assert result.errors == []
    assert "andes_outdoor" in result.tenants


def test_defaults_follow_the_seed_article(tmp_path):
    config = load_tenant_file(write(tmp_path, "demo", VALID.format(name="demo")))
    assert isinstance(config, TenantConfig)
    sync = config.flows.catalog_sync
    assert (sync.schedule, sync.stock, sync.price, sync.presale, sync.catchup) == ("@hourly", True, True, False, False)
    assert config.erp.price_list_id is None  # = the office's default price list


def test_wrong_type_names_field_and_reason(tmp_path):
    text = VALID.format(name="demo").replace("office_id: 1", "office_id: central")
    assert "erp.bsale.office_id" in errors_of(load_tenant_file(write(tmp_path, "demo", text)))


def test_unknown_vendor_is_reported_as_such(tmp_path):
    text = VALID.format(name="demo").replace("vendor: jumpseller", "vendor: shopifake")
    reasons = errors_of(load_tenant_file(write(tmp_path, "demo", text)))
    assert "channels[0].vendor" in reasons
    assert "unknown vendor 'shopifake'" in reasons["channels[0].vendor"]


def test_missing_connection_id_is_reported(tmp_path):
    text = VALID.format(name="demo").replace(", conn_id: bsale_demo", "")
    assert errors_of(load_tenant_file(write(tmp_path, "demo", text))) == {
        "erp.bsale.conn_id": "required field is missing"
    }


def test_secrets_and_typos_are_rejected(tmp_path):
    text = VALID.format(name="demo").replace("office_id: 1", "office_id: 1, access_token: abc")
    reasons = errors_of(load_tenant_file(write(tmp_path, "demo", text)))
    assert "bsale has no option 'access_token'" in reasons["erp.access_token"]
    assert "secrets belong in Airflow connections" in reasons["erp.access_token"]


def test_tenant_id_must_match_the_file_name(tmp_path):
    assert "tenant" in errors_of(load_tenant_file(write(tmp_path, "other", VALID.format(name="demo"))))


def test_broken_yaml_is_an_error_not_a_crash(tmp_path):
    assert "(file)" in errors_of(load_tenant_file(write(tmp_path, "demo", "tenant: [unclosed")))


def test_one_broken_file_does_not_hide_the_others(tmp_path):
    write(tmp_path, "good", VALID.format(name="good"))
    write(tmp_path, "bad", VALID.format(name="bad").replace("country: CL", "country: 42"))
    result = load_tenants(tenant_files(tmp_path))
    assert list(result.tenants) == ["good"]
    assert [error.path.name for error in result.errors] == ["bad.yaml"]


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        ("office_id: 1", "office_id: uno"),
        ("vendor: jumpseller", "vendor: shopifake"),
        (", conn_id: bsale_demo", ""),
    ],
)
def test_validate_command_prints_file_field_reason_and_fails(tmp_path, broken, field):
    write(tmp_path, "good", VALID.format(name="good"))
    bad = write(tmp_path, "bad", VALID.format(name="bad").replace(broken, field))
    done = subprocess.run(
        [sys.executable, "-m", "puente.cli", "validate", "--dir", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert (str(bad) in done.stderr and "erp.bsale" in done.stderr) or "channels[0]" in done.stderr
    assert "ok    good.yaml" in done.stdout


def test_validate_command_passes_on_the_shipped_files():
    done = subprocess.run([sys.executable, "-m", "puente.cli", "validate"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
