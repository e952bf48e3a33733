"""CRM sync operator: the ERP's invoices of one window -> the CRM's contacts and opportunities.

Wiring only: the window comes from ``rules.windows.resolve_window`` (params -> data interval ->
run_after), invoices from the ERP's ``InvoiceSource``, decisions from ``rules.crm``, writes through
the CRM's ``CrmSink``, and every invoice's outcome from the CRM ledger (``state.crm_ledger``), which
is what makes re-running any day or range create nothing twice. One task per run: a day holds a
few hundred invoices at most, and the ERP's budget (not parallelism) bounds its time.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

FLOW = "crm_sync"
OUTAGE_AFTER = 3  # consecutive transient failures that mean "the vendor is down": stop, retry later
LEASE = timedelta(minutes=30)  # after this, a row claimed by a dead task may be taken over
MAX_LISTED = 200
COUNT_KEYS = ("invoices", "contacts_created", "opportunities_created", "opportunities_updated", "already_synced",
              "skipped", "failed")


def run_window(context: Any, timezone: str) -> tuple:
    """The run's ``[start, end)``: explicit dates, else the data interval (one day), else the last 24 h."""
    from puente.rules.windows import resolve_window

    params = context["params"]
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    has_interval = start is not None and end is not None and end > start
    return resolve_window(
        params_from=params.get("start_date"), params_to=params.get("end_date"),
        interval_start=start, interval_end=end, run_after=context["dag_run"].run_after, timezone=timezone,
        lookback=timedelta(0) if has_interval else timedelta(days=1),
    )


class CrmSyncOperator(BaseOperator):
    """Sync one window's invoices; report counts; fail (after reporting) if any invoice failed."""

    ui_color = "#e0ecfb"

    def __init__(self, *, tenant_config: dict, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config

    def execute(self, context: Any) -> dict[str, Any]:
        from puente.config.models import TenantConfig
        from puente.connectors import registry
        from puente.operators.runtime import share_rate_limits
        from puente.state.crm_ledger import CrmLedger
        from puente.state.store import StateStore

        share_rate_limits()
        config = TenantConfig.model_validate(self.tenant_config)
        settings = config.flows.crm_sync
        run_id = context["run_id"]
        window = run_window(context, config.timezone)
        store = StateStore()
        source = registry.invoice_source(config.erp)
        sink = registry.crm_sink(config.crm)
        invoices = source.read_invoices(*window)
        self.log.info("%s: %d invoices created or edited in [%s, %s)", config.tenant, len(invoices), *window)
        sync = _Sync(config.tenant, run_id, settings, sink, CrmLedger(store), self.log)
        sync.run(invoices)
        counts = {key: sync.counts.get(key, 0) for key in COUNT_KEYS} | dict(sorted(sync.counts.items()))
        counts["invoices"] = len(invoices)
        status = "failed" if sync.outage else ("partial" if sync.failures else "success")
        details = {"window": [w.isoformat() for w in window], "skipped": sync.skips[:MAX_LISTED],
                   "failures": sync.failures[:MAX_LISTED], "missing_products": dict(sync.missing),
                   "error": sync.outage}
        store.write_report(config.tenant, FLOW, run_id, status, counts, details)
        self.log.info("CRM sync report for %s (%s): %s", config.tenant, status, counts)
        for skip in sync.skips:
            self.log.info("skipped %(invoice)s: %(reason)s", skip)
        for failure in sync.failures:
            self.log.warning("invoice %(invoice)s failed [%(category)s]: %(reason)s", failure)
        if sync.outage or sync.failures:
            raise AirflowException(
                f"{len(sync.failures)} invoices failed{': ' + sync.outage if sync.outage else ''}; "
                "the next run (or a retry) takes them again"
            )
        return {"status": status, "counts": counts}


class _Sync:
    """One window's invoices through the rules, the CRM and the ledger (kept out of ``execute`` for size)."""

    def __init__(self, tenant: str, run_id: str, settings: Any, sink: Any, ledger: Any, log: Any) -> None:
        self.tenant, self.run_id, self.settings = tenant, run_id, settings
        self.sink, self.ledger, self.log = sink, ledger, log
        self.counts: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()
        self.skips: list[dict[str, Any]] = []
        self.failures: list[dict[str, Any]] = []
        self.outage: str | None = None
        self._transient_in_a_row = 0

    def options(self):
        from puente.rules.crm import CrmOptions, resolve_owners, resolve_user

        users = self.sink.users()
        owners, unknown = resolve_owners(self.settings.seller_owners, users)
        default_owner = resolve_user(self.settings.default_owner, users)
        if self.settings.default_owner and default_owner is None:
            raise AirflowException(f"default_owner {self.settings.default_owner!r} is not a user of the CRM")
        pipeline_id, stage_id = self.sink.resolve_stage(self.settings.pipeline, self.settings.stage)
        return CrmOptions(pipeline_id=pipeline_id, stage_id=stage_id, description=self.settings.description,
                          owners=owners, unknown_links=unknown, default_owner=default_owner,
                          create_unlinked=self.settings.create_unlinked)

    def run(self, invoices: list) -> None:
        from puente.rules.crm import decide, value_changed

        if not invoices:
            return
        options = self.options()
        rows = {row["invoice_id"]: row for row in self.ledger.rows(self.tenant, invoice_ids=[i.id for i in invoices])}
        todo = [i for i in invoices if rows.get(i.id, {}).get("status") != "synced"]
        known = self.sink.products({item.code for invoice in todo for item in invoice.items}) if todo else {}
        for invoice in invoices:
            if self.outage:
                break
            row = rows.get(invoice.id)
            if row and row["status"] == "synced":
                if value_changed(row["value"], invoice.total):
                    self._guarded(invoice, lambda inv=invoice: self._revalue(inv))
                else:
                    self.counts["already_synced"] += 1
                continue
            decision = decide(invoice, options, known)
            if decision.action == "skip":
                self.ledger.skip(self.tenant, invoice.id, run_id=self.run_id, invoice_name=invoice.name,
                                 created_at=invoice.created_at, category=decision.category, reason=decision.reason)
                self.counts["skipped"] += 1
                self.counts[f"skipped:{decision.category}"] += 1
                self.skips.append({"invoice": invoice.name, "category": decision.category, "reason": decision.reason})
                continue
            self.missing.update(decision.missing_products)
            self._guarded(invoice, lambda inv=invoice, d=decision: self._create(inv, d))

    def _guarded(self, invoice: Any, step: Any) -> None:
        """Run one invoice's step; a vendor refusal or outage is recorded on the invoice, never lost."""
        from puente.hooks.errors import PermanentError, VendorError

        try:
            step()
            self._transient_in_a_row = 0
        except (VendorError, ValueError) as exc:
            transient = isinstance(exc, VendorError) and not isinstance(exc, PermanentError)
            category = "transient" if transient else "refused"
            reason = getattr(exc, "vendor_message", None) or str(exc)
            self.ledger.finish(self.tenant, invoice.id, self.run_id, "error", category=category, reason=reason)
            self.counts["failed"] += 1
            self.failures.append({"invoice": invoice.name, "category": category, "reason": reason})
            self._transient_in_a_row = self._transient_in_a_row + 1 if transient else 0
            if self._transient_in_a_row >= OUTAGE_AFTER:
                self.outage = f"{OUTAGE_AFTER} transient failures in a row: {reason}"

    def _claim(self, invoice: Any) -> dict[str, Any] | None:
        before = self.ledger.claim(self.tenant, invoice.id, claim=self.run_id, run_id=self.run_id,
                                   invoice_name=invoice.name, created_at=invoice.created_at, lease=LEASE)
        if before is None:
            self.counts["held_by_another_run"] += 1
        return before

    def _revalue(self, invoice: Any) -> None:
        before = self._claim(invoice)
        if before is None:
            return
        self.sink.update_value(before["deal_id"], invoice.total)
        self.ledger.finish(self.tenant, invoice.id, self.run_id, "synced", value=invoice.total)
        self.counts["opportunities_updated"] += 1

    def _create(self, invoice: Any, decision: Any) -> None:
        before = self._claim(invoice)
        if before is None:
            return
        contact_id = before.get("contact_id")
        if not contact_id:
            contact_id, created = self.sink.find_or_create_contact(invoice.customer, self.settings.cedula_field)
            self.counts["contacts_created" if created else "contacts_found"] += 1
            self.ledger.note_contact(self.tenant, invoice.id, self.run_id, contact_id)
        deal = None
        if before.get("deal_id"):
            deal = {"id": before["deal_id"], "value": None}
        elif before.get("status") in ("pending", "error"):  # a create may have reached the CRM
            deal = self.sink.find_opportunity(decision.name, contact_id)
        if deal is None:
            deal_id = self.sink.create_opportunity(decision, contact_id)
            self.counts["opportunities_created"] += 1
        else:
            deal_id = str(deal["id"])
            self.sink.update_value(deal_id, invoice.total)
            self.counts["opportunities_found"] += 1
        self.ledger.finish(self.tenant, invoice.id, self.run_id, "synced", contact_id=contact_id, deal_id=deal_id,
                           value=invoice.total)
