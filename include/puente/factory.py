"""Build one DAG per tenant and flow from the tenant files; nothing else happens at parse time.

Parse time is a product metric: no network, no database, no vendor imports here. On a worker,
Airflow's parsing context names the one DAG to run, so only that tenant's file is read. A broken
file becomes a ``config_error__<file>`` DAG whose task fails with the validation message (tag
``config-error``): the other tenants keep their DAGs and the error is visible in the UI.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import DAG, Param, get_parsing_context
from airflow.sdk.bases.operator import BaseOperator

from puente import param_speedups
from puente.config.loader import ConfigError, FieldError, error_key, load_tenants, tenant_files, tenant_paths
from puente.config.models import TenantConfig
from puente.connectors import registry
from puente.task_ids import PREVIEW, SEPARATOR, dag_id, invoice_task_id, task_suffix

# Airflow re-validates every Param default (re-checking its schema against the metaschema) per DAG,
# ~45% of the parse, and deep-copies the DAG's Params into every task the slow generic way, ~11%.
# param_speedups remembers successful validations and copies Params directly; its docstring says
# why neither can change what Airflow accepts or builds.
param_speedups.install()

CONFIG_ERROR_PREFIX = "config_error" + SEPARATOR


def _wanted_paths() -> list[Path] | None:
    """On a worker only the running DAG's tenant file is needed (Airflow's parsing context)."""
    wanted = get_parsing_context().dag_id
    if not wanted:
        return None
    if wanted.startswith(CONFIG_ERROR_PREFIX):
        key = wanted.removeprefix(CONFIG_ERROR_PREFIX)
        candidates = [p for p in tenant_files() if error_key(p) == key]
    else:
        key = wanted.split(SEPARATOR)[0].lower()
        candidates = tenant_paths(key)  # twins included: both are in error
    return candidates or None


def _catalog_doc(config: TenantConfig) -> str:
    settings = config.flows.catalog_sync
    channels = ", ".join(f"{c.vendor} (`{c.conn_id}`)" for c in config.channels)
    erp = config.erp
    # the ERP's settings may say where exactly stock and prices come from (an office, a price list)
    summary = erp.catalog_summary() if hasattr(erp, "catalog_summary") else f"Stock and prices from `{erp.conn_id}`"
    source = f"{summary} of {registry.vendor(erp.vendor).title} "
    return (
        f"### {config.name}: catalog sync {config.erp.vendor} -> {channels}\n\n"
        f"{source}({'with taxes' if settings.price_with_taxes else 'net'}).\n\n"
        f"Options: stock={settings.stock}, price={settings.price}, presale={settings.presale}.\n\n"
        "Manual-run params: `full_resync` (push every linked SKU even if the store already matches), `skus` "
        "(limit the run to these SKUs), `import_missing` (first create in each channel that can the ERP products "
        f"it lacks, exactly once). A dry run is `{dag_id(config.tenant, PREVIEW)}` (never scheduled).\n\n"
        "The run report (counts, unmatched SKUs, failures) is in Puente's state store and the task logs."
    )


def _flow_dag_kwargs(config: TenantConfig, flow: str, settings) -> dict:
    """What every flow DAG shares: id, start date in the tenant's timezone, tags, owner, retries."""
    return {
        "dag_id": dag_id(config.tenant, flow),
        "start_date": datetime.combine(settings.start_date, datetime.min.time(), tzinfo=ZoneInfo(config.timezone)),
        "catchup": False,
        "max_active_runs": 1,
        "tags": sorted({config.tenant, flow, *config.vendors()}),
        "default_args": {
            "owner": settings.owner or config.owner,
            "retries": settings.retries,
            "retry_delay": timedelta(seconds=settings.retry_delay_seconds),
        },
    }


def build_catalog_sync_dag(config: TenantConfig) -> DAG:
    from puente.operators.catalog_sync import CatalogReportOperator, CatalogSyncOperator

    settings = config.flows.catalog_sync
    dumped = config.model_dump(mode="json")
    with DAG(
        **_flow_dag_kwargs(config, "catalog_sync", settings),
        description=f"{config.name}: {config.erp.vendor} stock and prices -> channels",
        schedule=settings.schedule,
        doc_md=_catalog_doc(config),
        params={
            "full_resync": Param(False, type="boolean", description="push every linked SKU"),
            "import_missing": Param(False, type="boolean",
                                    description="first create in each channel the ERP products it lacks (once)"),
            "skus": Param([], type=["array", "null"], items={"type": "string"}, description="limit to SKUs"),
        },
    ) as dag:
        targets = registry.catalog_target_vendors()  # some channels are order sources only
        synced = [(index, channel) for index, channel in enumerate(config.channels) if channel.vendor in targets]
        syncs = [
            CatalogSyncOperator(
                task_id=f"sync{SEPARATOR}{task_suffix(channel.conn_id)}",
                tenant_config=dumped,
                channel_index=index,
            )
            for index, channel in synced
        ]
        report = CatalogReportOperator(
            task_id="report",
            tenant=config.tenant,
            channels=[channel.conn_id for _, channel in synced],
            notify=config.notify.model_dump(mode="json") if config.notify else None,
            tenant_name=config.name,
            trigger_rule="all_done",
            retries=0,
        )
        syncs >> report
        _watch(dag)
    return dag


def _order_filter(channel, settings) -> str:
    """The statuses a channel's orders must have: its own filter (``order_statuses``) or the flow's."""
    own = getattr(channel, "order_statuses", None)
    if own is None:
        return ", ".join(settings.statuses)
    return ", ".join(own) if own else "any"


def _invoicing_doc(config: TenantConfig) -> str:
    settings = config.flows.invoicing
    channels = ", ".join(f"{c.vendor} (`{c.conn_id}`)" for c in config.channels)
    statuses = "; ".join(f"`{c.conn_id}`: {_order_filter(c, settings)}" for c in config.channels)
    mode = "hourly and on demand" if settings.auto_invoicing else "on demand only (`auto_invoicing: false`)"
    documents = registry.vendor(config.erp.vendor).documents or "documents"  # as its plug-in declares
    scheduled = settings.auto_invoicing and settings.schedule
    unpausing = (" **Unpausing this DAG invoices at once**: Airflow creates the latest interval's run with empty "
                 "params (a dry run asked with the form's unpause box is refused and the DAG stays paused).") \
        if scheduled else ""
    return (
        f"### {config.name}: invoicing {channels} -> {config.erp.vendor} (`{config.erp.conn_id}`)\n\n"
        f"Orders with the configured statuses ({statuses}) created in the run's window (plus "
        f"{settings.lookback_hours} h lookback) become {documents}, {mode}. Each order is invoiced exactly "
        "once (ledger + idempotency key or lookup; what cannot be checked waits for a person); failures keep "
        "the vendor's reason and a category.\n\n"
        "Manual-run params: `order_ids` (invoice exactly these now), `sku_overrides` (with `order_ids`: a "
        "line's ERP SKU by hand, kept with the order), `channel` (only that channel's orders: a vendor event's "
        "run), `retry_errors` (re-attempt orders in error), "
        f"`date_from` / `date_to` (window by day). A dry run is `{dag_id(config.tenant, PREVIEW)}` (never "
        f"scheduled).{unpausing}"
    )


def build_invoicing_dag(config: TenantConfig) -> DAG:
    from puente.operators.invoicing import CollectOrdersOperator, InvoiceOrdersOperator
    from puente.operators.invoicing_finish import AttachDocumentsOperator, InvoicingReportOperator
    from puente.operators.needs_attention import NeedsAttentionOperator

    settings = config.flows.invoicing
    dumped = config.model_dump(mode="json")
    with DAG(
        **_flow_dag_kwargs(config, "invoicing", settings),
        description=f"{config.name}: channel orders -> {config.erp.vendor} documents, exactly once",
        schedule=settings.schedule if settings.auto_invoicing else None,
        doc_md=_invoicing_doc(config),
        params={
            "order_ids": Param([], type=["array", "null"], items={"type": "string"}, description="invoice these now"),
            "channel": Param(None, type=["null", "string"],
                             description="only this channel's orders (a vendor event's run: its conn_id)"),
            "retry_errors": Param(False, type="boolean", description="re-attempt orders in error"),
            "date_from": Param(None, type=["null", "string"], format="date", description="window start (day)"),
            "date_to": Param(None, type=["null", "string"], format="date", description="window end (day, inclusive)"),
            "sku_overrides": Param(
                {}, type=["object", "null"], additionalProperties={"type": "object", "additionalProperties":
                                                                   {"type": "string", "minLength": 1}},
                description='with order_ids: {"ORDER_ID": {"CHANNEL_SKU": "ERP_SKU"}}, a line\'s ERP SKU by hand',
            ),
        },
    ) as dag:
        attaches = []
        for index, channel in enumerate(config.channels):
            suffix = task_suffix(channel.conn_id)
            collect = CollectOrdersOperator(task_id=f"collect{SEPARATOR}{suffix}", tenant_config=dumped,
                                            channel_index=index)
            invoice = InvoiceOrdersOperator.partial(
                task_id=invoice_task_id(channel.conn_id), tenant_config=dumped, channel_index=index
            ).expand(order_ids=collect.output)
            attach = AttachDocumentsOperator(task_id=f"attach{SEPARATOR}{suffix}", tenant_config=dumped,
                                             channel_index=index, trigger_rule="all_done")
            invoice >> attach
            attaches.append(attach)
        report = InvoicingReportOperator(task_id="report", tenant_config=dumped, trigger_rule="all_done", retries=0)
        attaches >> report
        report >> _ask_for_decisions(config)
        _watch(dag)
        # after the watcher is wired, so a run with orders for a person is red once, through this task
        report >> NeedsAttentionOperator(task_id="needs_attention", tenant=config.tenant)
    return dag


def _ask_for_decisions(config: TenantConfig):
    """Trigger ``<tenant>__decisions`` when new orders wait for a person (see puente.decisions_dag)."""
    from puente.decision_questions import decisions_dag_id
    from puente.operators.decisions import AskForDecisionsOperator

    return AskForDecisionsOperator(task_id="ask_for_decisions", tenant=config.tenant, retries=0,
                                   trigger_dag_id=decisions_dag_id(config.tenant), trigger_rule="all_done")


def _crm_titles(config: TenantConfig) -> tuple[str, str]:
    """The names of the tenant's ERP and CRM as their plug-ins declare them."""
    crm = registry.vendor(config.crm.vendor).title if config.crm else "CRM"
    return registry.vendor(config.erp.vendor).title, crm


def _crm_doc(config: TenantConfig) -> str:
    settings = config.flows.crm_sync
    erp_title, crm_title = _crm_titles(config)
    crm = f"{crm_title} (`{config.crm.conn_id}`)" if config.crm else "the CRM"
    unlinked = "created with the default owner" if settings.create_unlinked else "skipped and reported"
    return (
        f"### {config.name}: {erp_title} invoices (`{config.erp.conn_id}`) -> {crm} contacts and opportunities\n\n"
        f"Each scheduled run covers exactly one day ({settings.schedule or 'on demand only'}, {config.timezone}): "
        "invoices created or edited that day. Contacts are found by cédula (custom field "
        f"`{settings.cedula_field}`), then e-mail, then phone, or created; each invoice becomes one opportunity "
        f"worth the invoice total, owned by the seller's linked {crm_title} user; invoices of unlinked sellers are "
        f"{unlinked}. An invoice edited in {erp_title} updates its opportunity's value.\n\n"
        "Manual-run params: `start_date` / `end_date` (days, inclusive): \"Sincronizar a demanda\". "
        "Backfill: `airflow backfill create --dag-id <this dag> --from-date ... --to-date ...`."
    )


def build_crm_sync_dag(config: TenantConfig) -> DAG:
    from airflow.sdk import CronDataIntervalTimetable

    from puente.operators.crm_sync import CrmSyncOperator

    settings = config.flows.crm_sync
    # An interval timetable, not a cron string: a cron string gets a zero-length data interval,
    # and each run must cover exactly one day of the tenant's timezone (backfills included).
    schedule = CronDataIntervalTimetable(settings.schedule, timezone=config.timezone) if settings.schedule else None
    with DAG(
        **{**_flow_dag_kwargs(config, "crm_sync", settings), "catchup": settings.catchup},
        description="{}: {} invoices -> {} contacts and opportunities, one day per run".format(
            config.name, *_crm_titles(config)),
        schedule=schedule,
        doc_md=_crm_doc(config),
        params={
            "start_date": Param(None, type=["null", "string"], format="date", description="first day to sync"),
            "end_date": Param(None, type=["null", "string"], format="date", description="last day (inclusive)"),
        },
    ) as dag:
        CrmSyncOperator(task_id="sync", tenant_config=config.model_dump(mode="json"))
    return dag


def _watch(dag: DAG) -> None:
    from puente.operators.watcher import FailedTaskWatcher

    watcher = FailedTaskWatcher(task_id="watcher")
    # One call for all the edges: each ``task >> watcher`` re-hashes the DAG twice (~10% of a build)
    watcher.set_upstream([task for task in dag.tasks if task is not watcher])


class ConfigErrorOperator(BaseOperator):
    """Fails with the validation message, so the error is one click away in the UI."""

    ui_color = "#f7d6d6"

    def __init__(self, *, message: str, path: str | None = None, problems: list[str] | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.message = message
        self.path = path
        self.problems = problems or []

    def execute(self, context) -> None:
        from airflow.sdk.exceptions import AirflowFailException

        if self.path:  # one incident e-mail to the file's notify: recipients, if that block is readable
            from puente.operators.notify import notify_config_error

            notify_config_error(self.path, self.problems, context)
        raise AirflowFailException(self.message)


def build_config_error_dag(error: ConfigError) -> DAG:
    message = error.message()
    with DAG(
        dag_id=f"{CONFIG_ERROR_PREFIX}{error.tenant_key}",
        description=f"Invalid tenant file {error.path.name}: fix it and the tenant's DAGs come back",
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        tags=["config-error", error.tenant_key],
        doc_md=f"### Invalid tenant file `{error.path.name}`\n\n```\n{message}\n```\n\nRun `puente validate`.",
        default_args={"owner": "puente", "retries": 0},
    ) as dag:
        ConfigErrorOperator(task_id="config_error", message=message, path=str(error.path),
                            problems=[f"{problem.field}: {problem.reason}" for problem in error.errors])
    return dag


FLOW_BUILDERS = {
    "catalog_sync": build_catalog_sync_dag,
    "invoicing": build_invoicing_dag,
    "crm_sync": build_crm_sync_dag,
}


def build_tenant_dags(config: TenantConfig) -> list[DAG]:
    from puente.factory_preview import build_preview_dag

    # On a worker the preview DAG is built only to run it, and then it alone (each is a tenant's worth of tasks).
    wanted = get_parsing_context().dag_id
    preview_id = dag_id(config.tenant, PREVIEW)
    if wanted == preview_id:
        return [preview for preview in (build_preview_dag(config),) if preview is not None]
    dags = [builder(config) for flow, builder in FLOW_BUILDERS.items() if getattr(config.flows, flow).enabled]
    if config.flows.invoicing.enabled:  # its waiting orders in Airflow's Required Actions
        from puente.decisions_dag import build_decisions_dag

        dags.append(build_decisions_dag(config, _flow_dag_kwargs(config, "invoicing", config.flows.invoicing)))
    preview = build_preview_dag(config) if not wanted else None  # dry runs live there
    return dags if preview is None else [*dags, preview]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the DAGs are built, as ``timeit`` does.

    Why: building allocates tens of thousands of long-lived objects (DAGs, tasks, params), and every
    automatic collection re-traverses all those already built, so the cost per DAG grew with the
    number of tenants (2.6 ms/DAG at 100 tenants, 4.2 at 500, measured 2026-11-30): about a quarter
    of the parse at 500 tenants. Reference counting still frees everything acyclic; the few cycles
    left behind are collected as usual once the collector is back on. A collector the caller had
    already turned off stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def register_dags(namespace: MutableMapping[str, object], paths: list[Path] | None = None) -> int:
    """Put every tenant DAG (and every config-error DAG) into a DAG file's globals, and with the tenants
    of the whole directory (``paths`` None) the deployment's ``puente__watch`` DAG."""
    from puente.watch_dag import WATCH_DAG_ID, build_watch_dag

    wanted = get_parsing_context().dag_id
    if paths is None and (wanted is None or wanted == WATCH_DAG_ID):  # the deployment's watch DAG, alone on its worker
        watch = build_watch_dag()
        namespace[watch.dag_id] = watch
        if wanted == WATCH_DAG_ID:
            return 1
    count = 1 if paths is None and wanted is None else 0
    with _cyclic_gc_paused():
        result = load_tenants(paths if paths is not None else (_wanted_paths() or tenant_files()))
        for tenant, config in result.tenants.items():
            try:
                dags = build_tenant_dags(config)
            except Exception as exc:  # one tenant's DAGs failing to build must not take the DAG file down
                reason = f"building its DAGs failed: {exc.__class__.__name__}: {exc}"
                result.errors.append(ConfigError(result.paths[tenant], (FieldError("(dags)", reason[:1000]),)))
                continue
            for dag in dags:
                namespace[dag.dag_id] = dag
                count += 1
        for error in result.errors:
            dag = build_config_error_dag(error)
            namespace[dag.dag_id] = dag
            count += 1
    return count
