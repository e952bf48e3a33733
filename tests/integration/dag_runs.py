"""Plain helpers for real-DAG tests (connections for sandboxes, running a DAG, the ledger)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

BOTH_STATE_BACKENDS = pytest.mark.parametrize(
    "dag_state_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
"""Run a real-DAG test with Puente's state (ledger, links, shared rate limits) on SQLite and on PostgreSQL."""


def bsale_connection(handle) -> dict:
    # Bsale publishes no budget and the sandbox enforces none: don't slow tests with our default.
    return {"conn_type": "bsale", "host": handle.base_url, "password": DEFAULT_ACCESS_TOKEN,
            "extra": {"rate_limit_per_second": 0}}


def jumpseller_connection(handle) -> dict:
    return {"conn_type": "jumpseller", "host": handle.base_url, "login": DEFAULT_LOGIN, "password": DEFAULT_AUTHTOKEN}


def bsale_jumpseller_tenant(tenant: str, name: str, *, office, price_list, flows: str, extra: str = "",
                            bsale: str = "it_bsale", jumpseller: str = "it_jumpseller") -> str:
    """A Chilean tenant file: Bsale as ERP, one Jumpseller store; ``flows`` is the ``flows:`` block's lines
    (YAML flow mappings), ``extra`` any top-level blocks after it (e.g. ``notify:``)."""
    return (f"tenant: {tenant}\nname: {name}\ncountry: CL\ntimezone: America/Santiago\n"
            f"erp: {{vendor: bsale, conn_id: {bsale}, office_id: {office}, price_list_id: {price_list}}}\n"
            f"channels:\n  - {{vendor: jumpseller, conn_id: {jumpseller}}}\nflows:\n{flows}{extra}")


def run(dag, **conf) -> str:
    dag_run = dag.test(run_conf=conf or None)
    return str(getattr(dag_run.state, "value", dag_run.state))


def run_states(dag, **conf) -> tuple[str, dict[str, str]]:
    """The run's state and each task's (mapped tasks: the worst of their instances' states, by name)."""
    dag_run = dag.test(run_conf=conf or None)
    states: dict[str, str] = {}
    for ti in dag_run.get_task_instances():
        state = str(getattr(ti.state, "value", ti.state))
        states[ti.task_id] = state if states.get(ti.task_id) in (None, "success") else states[ti.task_id]
    return str(getattr(dag_run.state, "value", dag_run.state)), states


def window(order_scenario) -> dict:
    last_day = order_scenario.start + timedelta(days=order_scenario.days - 1)
    return {"date_from": order_scenario.start.isoformat(), "date_to": last_day.isoformat()}


def ledger_by_order(tenant: str) -> dict[int, dict]:
    return {int(row["order_id"]): row for row in InvoiceLedger(StateStore()).rows(tenant)}


def run_invoicing(dag, tenant: str, **conf) -> str:
    """Run an invoicing DAG and check issue 14.6's promise on it: the run is red exactly when its own
    report has orders waiting for a person (errors other than transient, uncertain sends); returns
    the state, so a test can still say which it expects."""
    state, tasks = run_states(dag, **conf)
    report = StateStore().latest_report(tenant, "invoicing")
    counts = report["counts"] if report else {}
    waiting = sum(int(n) for key, n in counts.items() if key.startswith("error:") and key != "error:transient")
    assert (tasks.get("needs_attention") == "failed") == (waiting > 0), (tasks, counts)
    if waiting:
        assert state == "failed"
    return state
