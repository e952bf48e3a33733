"""Config errors a merchant can act on: an option the chosen vendor lacks, and one Jumpseller store
linked to two Contabilium accounts (the article: not possible "al mismo tiempo")."""

from __future__ import annotations

import subprocess
import sys

import pytest
from contabilium_tenants import CONTABILIUM, write

from puente.config.loader import ConfigError, load_tenant_file, load_tenants, tenant_files
from puente.factory import register_dags
from puente.vendors.contabilium.settings import ContabiliumSettings


def reasons(error: ConfigError) -> dict[str, str]:
    return {field_error.field: field_error.reason for field_error in error.errors}


def test_an_option_of_another_erp_names_who_has_it_and_what_the_chosen_one_offers(tmp_path):
    text = (CONTABILIUM.format(name="tienda", account="cb", channels="  - {vendor: jumpseller, conn_id: js}")
            .replace("{vendor: contabilium, conn_id: cb}", "{vendor: alegra, conn_id: al, declare_sii: false}"))
    (tmp_path / "tienda.yaml").write_text(text)
    error = load_tenant_file(tmp_path / "tienda.yaml")
    assert isinstance(error, ConfigError)
    reason = reasons(error)["erp.declare_sii"]
    assert reason.startswith("alegra has no option 'declare_sii' (bsale has it); alegra's options: conn_id")
    assert "Extra inputs" not in reason and "erp.alegra.declare_sii" not in reasons(error)


def test_a_typo_in_a_channel_option_lists_the_channels_options(tmp_path):
    channel = "  - {vendor: jumpseller, conn_id: js, warehous: 1}"
    text = CONTABILIUM.format(name="tienda", account="cb", channels=channel)
    (tmp_path / "tienda.yaml").write_text(text)
    reason = reasons(load_tenant_file(tmp_path / "tienda.yaml"))["channels[0].warehous"]
    assert reason.startswith("jumpseller has no option 'warehous'; jumpseller's options: conn_id")


def test_an_erp_option_in_the_wrong_place_says_which_erp_has_it(tmp_path):
    text = CONTABILIUM.format(name="tienda", account="cb", channels="  - {vendor: jumpseller, conn_id: js}").replace(
        "conn_id: cb}", "conn_id: cb, office_id: 3}")
    (tmp_path / "tienda.yaml").write_text(text)
    reason = reasons(load_tenant_file(tmp_path / "tienda.yaml"))["erp.office_id"]
    assert reason.startswith("contabilium has no option 'office_id' (bsale has it); contabilium's options: conn_id")
    assert "warehouse_id" in reason


def test_contabilium_options_default_to_the_article(tmp_path):
    config = load_tenant_file(write(tmp_path, "tienda", "cb", "js"))
    erp = config.erp
    assert isinstance(erp, ContabiliumSettings)
    assert (erp.warehouse_id, erp.price_list_id, erp.point_of_sale_id) == (None, None, None)  # stock total
    assert (erp.sale_condition, erp.default_vat_rate, erp.email_receipts, erp.register_customers) == (
        "Contado", 21, True, True)
    assert config.flows.invoicing.shipping_as_line is False  # "Incluir costo de envío": the flow's option
    assert all(field.description for name, field in ContabiliumSettings.model_fields.items()
               if name not in ("vendor", "conn_id"))


def test_one_store_on_two_contabilium_accounts_fails_both_files_naming_the_other(tmp_path):
    """Neither file is named after the store, so neither owns it (see test_connection_ownership)."""
    write(tmp_path, "norte", "cb_norte", "js_shared")
    write(tmp_path, "sur", "cb_sur", "js_sur_own", "js_shared")
    write(tmp_path, "solo", "cb_solo", "js_solo")
    result = load_tenants(tenant_files(tmp_path))
    assert list(result.tenants) == ["solo"]
    errors = {error.path.name: reasons(error) for error in result.errors}
    assert set(errors) == {"norte.yaml", "sur.yaml"}
    assert "'js_shared' is also named in sur.yaml" in errors["norte.yaml"]["channels[0].conn_id"]
    assert list(errors["sur.yaml"]) == ["channels[1].conn_id"]  # its own store is fine
    assert "also named in norte.yaml" in errors["sur.yaml"]["channels[1].conn_id"]


def test_several_stores_on_one_contabilium_account_are_allowed(tmp_path):
    uno = write(tmp_path, "uno", "cb_uno", "js_a", "js_b")
    uno.write_text(uno.read_text() + "shared_connections: {cb_uno: [dos]}\n")  # the owner lets dos use it
    write(tmp_path, "dos", "cb_uno", "js_c")
    result = load_tenants(tenant_files(tmp_path))
    assert result.errors == [] and sorted(result.tenants) == ["dos", "uno"]


def test_validate_fails_and_the_config_error_dag_says_why(tmp_path, monkeypatch):
    write(tmp_path, "norte", "cb_norte", "js_shared")
    write(tmp_path, "sur", "cb_sur", "js_shared")
    done = subprocess.run([sys.executable, "-m", "puente.cli", "validate", "--dir", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "norte.yaml: channels[0].conn_id" in done.stderr and "in sur.yaml" in done.stderr

    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    assert set(namespace) == {"config_error__norte", "config_error__sur", "puente__watch"}
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match=r"js_shared' is also named in norte\.yaml"):
        namespace["config_error__sur"].get_task("config_error").execute(context={})
    assert "in sur.yaml" in namespace["config_error__norte"].doc_md

    # a worker loads only its DAG's file, and still sees the conflict (it agrees with the scheduler)
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "config_error__sur")
    worker: dict = {}
    register_dags(worker)
    assert list(worker) == ["config_error__sur"]


def test_a_flow_option_put_on_the_crm_says_what_the_crm_offers(tmp_path):
    (tmp_path / "crm_typo.yaml").write_text(
        "tenant: crm_typo\nname: C\ncountry: CO\nerp: {vendor: siigo, conn_id: s}\n"
        "crm: {vendor: escala, conn_id: e, pipeline: Ventas}\nflows: {catalog_sync: {enabled: false}}\n"
    )
    reason = reasons(load_tenant_file(tmp_path / "crm_typo.yaml"))["crm.pipeline"]
    assert reason.startswith("escala has no option 'pipeline'; escala's options: conn_id")
