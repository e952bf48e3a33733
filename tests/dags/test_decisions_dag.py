"""The decisions DAG: one more DAG per tenant with invoicing, counted as the tenant's, cheap to parse."""

from __future__ import annotations

from test_dag_factory import GOOD

from puente.decision_questions import LATER, OPTIONS
from puente.factory import register_dags
from puente.web.console_auth import tenant_dag_ids


def test_a_tenant_with_invoicing_gets_a_decisions_dag_triggered_at_the_end_of_invoicing(tmp_path, monkeypatch):
    (tmp_path / "ta.yaml").write_text(GOOD.format(name="ta") + "flows: {invoicing: {enabled: true}}\n")
    (tmp_path / "tb.yaml").write_text(GOOD.format(name="tb") + "flows: {invoicing: {enabled: false}}\n")
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    namespace: dict = {}
    register_dags(namespace)
    assert "ta__decisions" in namespace and "tb__decisions" not in namespace
    decisions = namespace["ta__decisions"]
    assert decisions.schedule is None and decisions.max_active_runs > 1  # people take days: runs overlap
    assert [task.task_id for task in decisions.tasks] == ["waiting_orders", "decide"]
    decide = decisions.task_dict["decide"]
    assert decide.partial_kwargs["options"] == OPTIONS and decide.partial_kwargs["defaults"] == [LATER]
    assert {task.owner for task in decisions.tasks} == {"ops-ta"} and "ta" in decisions.tags
    invoicing = namespace["ta__invoicing"]
    ask = invoicing.task_dict["ask_for_decisions"]
    assert ask.upstream_task_ids == {"report"} and ask.trigger_dag_id == "ta__decisions"
    assert "ask_for_decisions" in invoicing.task_dict["watcher"].upstream_task_ids
    assert "ta__decisions" in tenant_dag_ids("ta")  # console rights to the tenant cover it
