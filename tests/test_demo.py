"""The demo's own wiring: every demo tenant has its sandbox connection, and the summary shows each flow."""

from __future__ import annotations

import sys
from pathlib import Path

from puente.airflow_settings import read_settings
from puente.config.loader import load_tenants, tenant_files
from puente.demo import _demo_conf, summary_table
from puente.demo_sandboxes import ORDER_DAYS, argentine_store_ports, sandbox_ports, serve_command

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "airflow_settings.yaml"


def test_every_demo_tenant_connection_is_in_the_settings_with_its_vendor_type() -> None:
    connections = {entry["conn_id"]: entry["conn_type"] for entry in read_settings(SETTINGS)["connections"]}
    result = load_tenants(tenant_files(ROOT / "include" / "tenants"))
    assert not result.errors
    flows = {flow for config in result.tenants.values() for flow in ("catalog_sync", "invoicing", "crm_sync")
             if getattr(config.flows, flow).enabled}
    assert flows == {"catalog_sync", "invoicing", "crm_sync"}  # the demo shows every flow
    assert {config.erp.vendor for config in result.tenants.values()} >= {"bsale", "facto", "siigo"}
    for config in result.tenants.values():
        for system in (config.erp, *config.channels, *([config.crm] if config.crm else [])):
            assert connections.get(system.conn_id) == system.vendor, (config.tenant, system.conn_id)


def test_each_store_gets_its_own_sandbox_port() -> None:
    ports = sandbox_ports(SETTINGS)
    # one store per merchant: no order is invoiced by two tenants
    assert len(ports["jumpseller"]) == len(set(ports["jumpseller"])) >= 3
    command = serve_command(ports)
    assert command[:3] == [sys.executable, "-m", "puente_sandbox"]
    assert command[command.index("--jumpseller-port") + 1] == str(ports["jumpseller"][0])
    extras = [command[i + 1] for i, arg in enumerate(command) if arg == "--jumpseller-extra-port"]
    assert extras == [str(port) for port in ports["jumpseller"][1:]]
    assert command[command.index("--contabilium-port") + 1] == "18087"
    assert command[command.index("--facto-port") + 1] == str(ports["facto"][0])
    assert command[command.index("--order-days") + 1] == str(ORDER_DAYS)
    assert command[command.index("--mercadolibre-port") + 1] == "0"  # no demo connection: not served
    with_buyers = serve_command(ports, argentine_store_ports(SETTINGS))
    assert with_buyers[with_buyers.index("--argentine-jumpseller-port") + 1] == "18091"  # the Contabilium store


def test_invoicing_and_crm_runs_cover_the_sandbox_data_window_and_catalog_runs_take_no_conf() -> None:
    assert _demo_conf("andes_outdoor__catalog_sync") is None
    conf = _demo_conf("andes_outdoor__invoicing")
    assert conf is not None and set(conf) == {"date_from", "date_to"}
    conf = _demo_conf("bogota_muebles__crm_sync")
    assert conf is not None and set(conf) == {"start_date", "end_date"}


def test_summary_has_one_table_per_flow_with_that_flows_counts() -> None:
    results = {
        "shop": {
            "shop__catalog_sync": {"state": "success", "counts": {"linked": 45, "pushed_stock": 23}},
            "shop__invoicing": {"state": "success", "counts": {"documents_created": 158, "skipped": 6,
                                                               "failed": 18}},
        }
    }
    catalog, invoicing = summary_table(results).split("\n\n")
    assert catalog.splitlines()[0].split()[:4] == ["catalog_sync", "state", "read_source", "linked"]
    assert catalog.splitlines()[2].split()[:4] == ["shop__catalog_sync", "success", "-", "45"]
    header, _, row = invoicing.splitlines()
    values = dict(zip(header.split(), row.split(), strict=True))
    assert (values["documents_created"], values["skipped"], values["failed"]) == ("158", "6", "18")


def test_an_invoicing_run_left_for_a_person_reads_so_in_the_summary() -> None:
    from puente.demo import shown_state

    left = {"state": "failed", "report_status": "partial", "counts": {"failed": 3}}
    assert shown_state("shop__invoicing", left) == "needs a person"
    assert "shop__invoicing  needs a person" in summary_table({"shop": {"shop__invoicing": left}})
    assert shown_state("shop__invoicing", {"state": "failed", "report_status": "failed"}) == "failed"
    assert shown_state("shop__catalog_sync", {"state": "failed", "report_status": "partial"}) == "failed"
    assert shown_state("shop__invoicing", {"state": "success", "report_status": "success"}) == "success"


def test_the_demo_runs_no_decisions_dag_it_would_wait_for_a_person(monkeypatch) -> None:
    from puente.demo import _tenant_dags

    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[1] / "dags"))
    dags, _ = _tenant_dags()
    assert "andes_outdoor__invoicing" in dags and not [dag_id for dag_id in dags if dag_id.endswith("__decisions")]
