"""The tenant's preview DAG, ``<tenant>__preview``: the only place a dry run can be asked for.

Why a DAG of its own (issue 14.7): the scheduled DAGs' trigger forms untick nothing by themselves,
and "Unpause on trigger" on a scheduled DAG makes Airflow start the latest interval's run at once,
for real. This DAG has ``schedule=None``, so unpausing it schedules nothing; its tasks are the
catalog and invoicing planners built with ``preview=True`` (they decide and report, and record only
a run report marked ``dry_run``); the ``flow`` param picks which flow runs, the other's tasks skip.
Parse cost: one DAG per tenant with a task per channel and flow, built from the same config.
"""

from __future__ import annotations

from airflow.sdk import DAG, Param

from puente.config.models import TenantConfig
from puente.connectors import registry
from puente.task_ids import PREVIEW, SEPARATOR, dag_id, task_suffix

PREVIEWED = ("invoicing", "catalog_sync")  # the flows that write to vendors and have a dry run


def _params(flows: list[str]) -> dict[str, Param]:
    params = {"flow": Param(flows[0], type="string", enum=flows, description="the flow to preview")}
    if "catalog_sync" in flows:
        params |= {
            "full_resync": Param(False, type="boolean", description="catalog: plan every linked SKU"),
            "import_missing": Param(False, type="boolean", description="catalog: say what an import would create"),
            "skus": Param([], type=["array", "null"], items={"type": "string"}, description="catalog: only SKUs"),
        }
    if "invoicing" in flows:
        params |= {
            "order_ids": Param([], type=["array", "null"], items={"type": "string"},
                               description="invoicing: decide exactly these orders"),
            "retry_errors": Param(False, type="boolean", description="invoicing: include orders in error"),
            "date_from": Param(None, type=["null", "string"], format="date", description="window start (day)"),
            "date_to": Param(None, type=["null", "string"], format="date", description="window end (day, inclusive)"),
        }
    return params


def _doc(config: TenantConfig, flows: list[str]) -> str:
    return (
        f"### {config.name}: preview (dry run) of {', '.join(f'`{flow}`' for flow in flows)}\n\n"
        "Decides and reports what the flow would do now, and writes nothing to any vendor nor to Puente's "
        "ledger or links: only a run report marked dry run (the console's \"last dry run\"). Never scheduled: "
        "unpausing it starts nothing. Pick the flow with `flow`; the options are the flow's own manual-run params."
    )


def build_preview_dag(config: TenantConfig) -> DAG | None:
    """The tenant's preview DAG, or None when none of its enabled flows has a dry run."""
    from puente.factory import _flow_dag_kwargs
    from puente.operators.catalog_sync import CatalogReportOperator, CatalogSyncOperator
    from puente.operators.invoicing import CollectOrdersOperator
    from puente.operators.invoicing_finish import InvoicingReportOperator

    flows = [flow for flow in PREVIEWED if getattr(config.flows, flow).enabled]
    if not flows:
        return None
    dumped = config.model_dump(mode="json")
    kwargs = _flow_dag_kwargs(config, flows[0], getattr(config.flows, flows[0]))
    kwargs |= {"dag_id": dag_id(config.tenant, PREVIEW), "max_active_runs": 4,
               "tags": sorted({config.tenant, PREVIEW, *flows, *config.vendors()})}
    kwargs["default_args"] = {**kwargs["default_args"], "retries": 0}
    with DAG(**kwargs, schedule=None, description=f"{config.name}: dry runs (never scheduled, writes nothing)",
             doc_md=_doc(config, flows), params=_params(flows)) as dag:
        if "catalog_sync" in flows:
            targets = registry.catalog_target_vendors()
            synced = [(i, channel) for i, channel in enumerate(config.channels) if channel.vendor in targets]
            plans = [CatalogSyncOperator(task_id=f"catalog_sync{SEPARATOR}{task_suffix(channel.conn_id)}",
                                         tenant_config=dumped, channel_index=i, preview=True)
                     for i, channel in synced]
            plans >> CatalogReportOperator(task_id=f"catalog_sync{SEPARATOR}report", tenant=config.tenant,
                                           channels=[c.conn_id for _, c in synced], trigger_rule="all_done",
                                           preview=True)
        if "invoicing" in flows:
            collects = [CollectOrdersOperator(task_id=f"invoicing{SEPARATOR}{task_suffix(channel.conn_id)}",
                                              tenant_config=dumped, channel_index=i, preview=True)
                        for i, channel in enumerate(config.channels)]
            collects >> InvoicingReportOperator(task_id=f"invoicing{SEPARATOR}report", tenant_config=dumped,
                                                trigger_rule="all_done", preview=True)
    return dag
