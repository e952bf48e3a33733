"""Catalog sync operators: wire connectors, rules and state; no vendor or business logic here.

One ``CatalogSyncOperator`` task per channel (a failing store never blocks the others), then a
``CatalogReportOperator`` that sums the per-channel reports into the flow's run report and makes
failures visible as a failed task. XCom carries counts only; SKU lists live in state.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

if TYPE_CHECKING:
    import pandas as pd

    from puente.connectors.protocols import CatalogSource, CatalogTarget

FLOW = "catalog_sync"
FLUSH_EVERY = 200  # pushes recorded in state at least this often, so a crash loses little audit trail


def channel_flow(channel_conn_id: str) -> str:
    return f"{FLOW}/{channel_conn_id}"


def format_counts(title: str, counts: dict[str, Any]) -> str:
    width = max(len(key) for key in counts) if counts else 0
    lines = [title] + [f"  {key.ljust(width)}  {value}" for key, value in counts.items()]
    return "\n".join(lines)


def read_both(
    source: CatalogSource, target: CatalogTarget, skus: Collection[str] | None,
    listing_skus: Collection[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ERP catalog and the channel's listings, read at the same time.

    Why: the two reads touch different vendors with separate budgets, so reading them one after
    the other only adds the ERP's read time to the channel's (most of a steady-state sync's
    excess). Each side keeps its own hooks, so no session crosses threads. A failure is raised
    unchanged, the source's first, once both reads have ended. ``listing_skus``: what a targeted run
    reads of the channel when it differs from the ERP SKUs (listings linked by hand).
    """
    from puente.hooks import deadline

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="catalog-read") as pool:
        catalog = deadline.submit(pool, source.read_catalog, skus)  # a console caller's deadline holds there too
        listings = deadline.submit(pool, target.read_listings, skus if listing_skus is None else listing_skus)
        return catalog.result(), listings.result()


def push_updates(target: CatalogTarget, store: Any, tenant: str, channel: str, run_id: str, plan: Any):
    """Write the plan's updates; return (pushed, failed, outage).

    A listing the channel refuses is recorded with the vendor's reason and the others go on; an
    outage (after the hook's bounded retries) stops the writes and keeps what was done. Pushes are
    recorded every ``FLUSH_EVERY`` so a crash loses little audit trail.
    """
    from puente.hooks.errors import PermanentError

    pushed: list[dict] = []
    failed: list[dict] = []
    pending: list[dict] = []
    outage: Exception | None = None
    for update in plan.updates:
        try:
            target.apply_update(update)
        except PermanentError as exc:
            failed.append({"sku": update["sku"], "status": exc.status, "reason": exc.vendor_message})
            continue
        except Exception as exc:
            outage = exc
            break
        pushed.append(update)
        pending.append(update)
        if len(pending) >= FLUSH_EVERY:
            store.record_pushes(tenant, channel, run_id, pending)
            pending = []
    store.record_pushes(tenant, channel, run_id, pending)
    return pushed, failed, outage


class CatalogSyncOperator(BaseOperator):
    """Read ERP and channel, link by SKU, push what differs, record links, pushes and the report."""

    ui_color = "#d9f0e3"

    def __init__(self, *, tenant_config: dict, channel_index: int, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config
        self.channel_index = channel_index
        self.preview = preview  # built into the tenant's preview DAG: plan and report, write nothing

    def execute(self, context: Any) -> dict[str, Any]:
        from puente.catalog_import import import_missing
        from puente.catalog_plan import catalog_options, plan_channel, sources_for
        from puente.config.models import TenantConfig
        from puente.connectors import registry
        from puente.operators.preview import dry_run_for
        from puente.operators.runtime import share_rate_limits
        from puente.state.store import StateStore

        dry_run = dry_run_for(context, FLOW, preview=self.preview)  # before any vendor call
        share_rate_limits()
        config = TenantConfig.model_validate(self.tenant_config)
        channel = config.channels[self.channel_index]
        params = context["params"]
        options = catalog_options(config, params)
        run_id = context["run_id"]
        store = StateStore()
        source, target = sources_for(config, channel)  # the ERP read with the channel's price list
        if params.get("import_missing") and registry.can_import(channel):  # create what the channel lacks first
            import_missing(config, channel.conn_id, options.skus, dry_run, f"dag:{run_id}", run_id=run_id, store=store)
        planned = plan_channel(config, channel, source, target, options, store)
        plan, reservation = planned.plan, planned.reservation
        self.log.info(format_counts(f"Plan for {config.tenant} -> {channel.conn_id}", plan.counts))
        pushed: list[dict] = []
        failed: list[dict] = []
        outage: Exception | None = None
        if not dry_run:
            # Links are Puente's own state (thousands of rows): record them while the channel writes
            # wait on its rate budget, instead of before them.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="save-links") as background:
                links_saved = background.submit(store.save_links, config.tenant, channel.conn_id, plan.link_records(),
                                                replace=options.skus is None)
                pushed, failed, outage = push_updates(target, store, config.tenant, channel.conn_id, run_id, plan)
                links_saved.result()

        counts = {
            **plan.counts,
            **reservation.counts,
            "pushed_stock": sum(1 for u in pushed if "stock" in u or "unlimited" in u),
            "pushed_price": sum(1 for u in pushed if "price" in u),
            "failed": len(failed) + (len(plan.updates) - len(pushed) - len(failed) if outage else 0),
        }
        details = {
            "channel": channel.conn_id,
            "unmatched_source": plan.sku_list("source_only"),
            "unmatched_target": plan.sku_list("target_only"),
            "unsupported": [{"sku": row["sku"], "reason": row["reason"]} for row in plan.link_records("unsupported")],
            "conflicts": plan.sku_list("conflict"),
            "failed": failed,
            "planned": plan.updates if dry_run else [],
            "error": repr(outage) if outage else None,
            "reservations": reservation.details,
        }
        status = "failed" if outage else ("partial" if failed or reservation.error else "success")
        if reservation.error:
            self.log.warning("%s: %s", channel.conn_id, reservation.error)
        store.write_report(
            config.tenant, channel_flow(channel.conn_id), run_id, status, counts, details, dry_run=dry_run
        )
        self.log.info(format_counts(f"Catalog sync {config.tenant} -> {channel.conn_id} ({status})", counts))
        for failure in failed:
            self.log.warning("SKU %s refused by %s: %s", failure["sku"], channel.conn_id, failure["reason"])
        if outage:
            raise AirflowException(f"{channel.conn_id} unavailable after retries: {outage}") from outage
        return {"channel": channel.conn_id, "status": status, "counts": counts}


class CatalogReportOperator(BaseOperator):
    """Sum the channel reports into the tenant's catalog_sync report; fail if anything failed
    (an ``import_missing`` import that left products uncreated too)."""

    ui_color = "#e8e3f5"

    def _import_failures(self, store: Any, channel: str, run_id: str) -> list[str]:
        from puente.catalog_import import import_flow

        report = store.report(self.tenant, import_flow(channel), run_id)
        if report is None or report["status"] == "success":
            return []
        counts = ", ".join(f"{n} {status}" for status, n in sorted(report["counts"].items()))
        return [f"{channel}: import {report['status']} ({counts}); see `puente catalog import` or the task log"]

    def __init__(self, *, tenant: str, channels: list[str], notify: dict | None = None, tenant_name: str = "",
                 preview: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant
        self.channels = channels
        self.notify = notify  # the tenant's notify: block (incident e-mails), None = none
        self.tenant_name = tenant_name or tenant
        self.preview = preview  # the preview DAG's report: written as a dry run

    def execute(self, context: Any) -> dict[str, Any]:
        from puente.operators.preview import dry_run_for
        from puente.state.store import StateStore

        dry_run = dry_run_for(context, FLOW, preview=self.preview)
        store = StateStore()
        run_id = context["run_id"]
        totals: dict[str, int] = {}
        statuses: dict[str, str] = {}
        failures: list[str] = []
        reports: dict[str, dict | None] = {}
        for channel in self.channels:
            report = reports[channel] = store.report(self.tenant, channel_flow(channel), run_id)
            if report is None:
                statuses[channel] = "missing"
                failures.append(f"{channel}: no report (the sync task did not finish)")
                continue
            statuses[channel] = report["status"]
            for key, value in report["counts"].items():
                totals[key] = totals.get(key, 0) + int(value)
            failures += [f"{channel}: SKU {f['sku']}: {f['reason']}" for f in report["details"].get("failed", [])]
            if report["details"].get("error"):
                failures.append(f"{channel}: {report['details']['error']}")
            failures += self._import_failures(store, channel, run_id)
        status = "success" if not failures else "failed"
        store.write_report(
            self.tenant, FLOW, run_id, status, totals, {"channels": statuses, "failures": failures}, dry_run=dry_run
        )
        self.log.info(format_counts(f"Catalog sync report for {self.tenant} ({status})", totals))
        if not dry_run:  # a channel stopped by an outage opens an incident, a healthy run clears it
            from puente.operators.notify import notify_catalog

            notify_catalog(self.notify, self.tenant, self.tenant_name, reports, context, store=store)
        if failures:
            raise AirflowException("Catalog sync had failures:\n" + "\n".join(failures[:50]))
        return {"status": status, "counts": totals}
