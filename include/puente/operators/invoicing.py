"""Invoicing operators: collect the order set, then invoice it in mapped chunks.

``CollectOrdersOperator`` pushes only order ids through XCom (chunked for dynamic task mapping);
the orders themselves are kept in the ledger, so XCom stays small at any volume. Each
``InvoiceOrdersOperator`` claims each of its orders through the ledger (see
``puente.state.ledger``), a few at a time: a retried, killed or concurrent task can never create a
second document, and every failure is recorded with the vendor's reason and our category.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

FLOW = "invoicing"
MAX_MAP_LENGTH = 1024  # Airflow's [core] max_map_length: a longer list fails the upstream task
OUTAGE_AFTER = 3  # consecutive transient failures that mean "the vendor is down": stop, retry later


def channel_flow(channel_conn_id: str) -> str:
    return f"{FLOW}/{channel_conn_id}"


def chunked(ids: list[str], size: int) -> list[list[str]]:
    size = max(size, math.ceil(len(ids) / MAX_MAP_LENGTH)) if ids else size
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _load(tenant_config: dict, channel_index: int):
    from puente.config.models import TenantConfig

    config = TenantConfig.model_validate(tenant_config)
    return config, config.channels[channel_index], config.flows.invoicing


def invoicing_options(channel, settings, sink):
    """The flow's options, then the ERP's own rules (``rule_options``: tax rate, document rule, ...)."""
    from puente.connectors import registry
    from puente.rules.invoicing import InvoicingOptions

    own = sink.rule_options() if hasattr(sink, "rule_options") else {}
    return InvoicingOptions(**({
        "shipping_as_line": settings.shipping_as_line, "shipping_description": settings.shipping_description,
        "default_email": settings.default_email, "default_phone": settings.default_phone,
        # our reference (the ERP's idempotency or lookup key): the prefix the channel's plug-in declares
        "reference_prefix": registry.vendor(channel.vendor).order_reference_prefix,
    } | own))


def sku_map_for(config, store, sink, channel_conn_id: str):
    """How invoice lines find their ERP SKU (``rules.sku_matching.SkuMap``); None when the ERP takes any
    line. The ERP SKUs are those catalog sync found, when it runs for the tenant; otherwise (a tenant
    whose only channels take no catalog: order sources only) the ERP's catalog as it is now, read once
    per task. This channel's manual links and normalised links map its SKUs onto them."""
    from puente.connectors import registry
    from puente.rules.sku_matching import SkuMap
    from puente.state.manual_links import channel_sku_pairs

    if not sink.requires_linked_skus:
        return None
    catalog = config.flows.catalog_sync
    steps = tuple(catalog.sku_normalization)
    targets = registry.catalog_target_vendors()
    if catalog.enabled and any(c.vendor in targets for c in config.channels):
        links = store.links(config.tenant)
        pairs = channel_sku_pairs(store, config.tenant, channel_conn_id, links)
        return SkuMap.build({row["sku"] for row in links if row["source_id"]}, pairs, steps)
    pairs = channel_sku_pairs(store, config.tenant, channel_conn_id, [])  # no sync: manual links only
    if config.erp.vendor not in registry.catalog_source_vendors():
        return SkuMap.build(set(), pairs, steps)
    frame = registry.catalog_source(config.erp).read_catalog()
    return SkuMap.build({str(sku) for sku in frame.loc[frame["unsupported"].isna(), "sku"]}, pairs, steps)


def is_eligible(source, order, statuses) -> bool:
    """A channel with its own order filters (e.g. origin channels, statuses, fulfillment)
    decides through ``eligible(order)``; otherwise the flow's ``statuses`` do."""
    check = getattr(source, "eligible", None)
    return check(order) if check is not None else order.status in statuses


class CollectOrdersOperator(BaseOperator):
    """Select eligible orders, record them in the ledger, return the chunks of ids to invoice."""

    ui_color = "#fdf1d6"

    def __init__(self, *, tenant_config: dict, channel_index: int, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config
        self.channel_index = channel_index
        self.preview = preview  # built into the tenant's preview DAG: decide and report, record nothing

    def execute(self, context: Any) -> list[list[str]]:
        from puente.connectors import registry
        from puente.operators.preview import dry_run_for
        from puente.operators.runtime import share_rate_limits
        from puente.rules.invoicing import decide
        from puente.rules.windows import resolve_window
        from puente.state.ledger import InvoiceLedger
        from puente.state.store import StateStore

        dry_run = dry_run_for(context, FLOW, preview=self.preview)  # before any vendor call
        share_rate_limits()
        config, channel, settings = _load(self.tenant_config, self.channel_index)
        params, run_id = context["params"], context["run_id"]
        store = StateStore()
        ledger = InvoiceLedger(store)
        if not self._for_this_channel(config, channel, params.get("channel")):
            self._report(store, config.tenant, channel.conn_id, run_id, Counter(), None, dry_run=bool(dry_run))
            return []
        source = registry.order_source(channel, config.timezone)
        explicit = [str(i) for i in params.get("order_ids") or []]
        retry_errors = bool(params.get("retry_errors")) or bool(explicit)

        overrides = {str(k): dict(v) for k, v in (params.get("sku_overrides") or {}).items()}
        if explicit:
            orders = [source.read_order(order_id) for order_id in explicit]
            window = None
            self._check_overrides(config, orders, overrides)
        elif overrides:
            raise AirflowException("sku_overrides needs order_ids: an override is for named orders")
        else:
            window = resolve_window(
                params_from=params.get("date_from"), params_to=params.get("date_to"),
                interval_start=context.get("data_interval_start"), interval_end=context.get("data_interval_end"),
                run_after=context["dag_run"].run_after, timezone=config.timezone,
                lookback=timedelta(hours=settings.lookback_hours),
            )
            orders = source.read_orders(window[0], window[1], settings.statuses)
            orders += self._unfinished(ledger, config.tenant, channel.conn_id, retry_errors, source, orders)
        eligible = [order for order in orders if is_eligible(source, order, settings.statuses)]
        counts = Counter(found=len(orders), eligible=len(eligible), wrong_status=len(orders) - len(eligible))

        if dry_run:
            finished = ledger.rows(config.tenant, channel.conn_id, statuses=["invoiced", "skipped"])
            done = {row["order_id"] for row in finished}
            issue_date = datetime.now(ZoneInfo(config.timezone)).date()
            sink = registry.invoice_sink(config.erp)
            known = sku_map_for(config, store, sink, channel.conn_id)
            options = invoicing_options(channel, settings, sink)
            for order in eligible:
                if order.id in done:
                    counts["already_done"] += 1
                    continue
                decision = decide(order, known, issue_date, options)
                counts[f"would_{decision.action}"] += 1
            self._report(store, config.tenant, channel.conn_id, run_id, counts, window, dry_run=True)
            return []

        ids, reasons = ledger.enqueue(
            config.tenant, channel.conn_id, run_id,
            [{"order_id": o.id, "payload": o.model_dump(mode="json"), "created_at": o.created_at} for o in eligible],
            retry_errors=retry_errors,
        )
        counts.update(reasons)
        actor = f"airflow:{context['dag_run'].triggering_user_name or 'unknown'}"
        for order_id in [order_id for order_id in ids if overrides.get(order_id)]:
            counts["overridden"] += ledger.set_overrides(config.tenant, channel.conn_id, order_id,
                                                         overrides[order_id], actor)
        counts["to_invoice"] = len(ids)
        self._report(store, config.tenant, channel.conn_id, run_id, counts, window, dry_run=False)
        chunks = chunked(ids, settings.chunk_size)
        self.log.info("%s: %d eligible orders, %d to invoice in %d chunks; %s", channel.conn_id, len(eligible),
                      len(ids), len(chunks), dict(counts))
        return chunks

    def _for_this_channel(self, config, channel, only: str | None) -> bool:
        """The ``channel`` param (a vendor event's run: its ``order_ids`` are that channel's ids, which
        another channel of the tenant does not know) limits the run to one channel."""
        if not only:
            return True
        if only not in {c.conn_id for c in config.channels}:
            raise AirflowException(f"channel {only!r} is not one of the tenant's channels")
        if only != channel.conn_id:
            self.log.info("%s: nothing to collect, this run is for channel %s only", channel.conn_id, only)
        return only == channel.conn_id

    @staticmethod
    def _check_overrides(config, orders, overrides: dict) -> None:
        """Every override names one of the run's orders, a line of it and an ERP SKU that exists."""
        from puente.invoice_now import OverrideRefused, check_overrides

        by_id = {order.id: order for order in orders}
        try:
            for order_id, pairs in overrides.items():
                if order_id not in by_id:
                    raise OverrideRefused(f"sku_overrides names order {order_id}, which is not in order_ids")
                check_overrides(config, by_id[order_id], pairs)
        except OverrideRefused as exc:
            raise AirflowException(f"nothing invoiced: {exc}") from exc

    @staticmethod
    def _unfinished(ledger, tenant, channel, retry_errors, source, seen) -> list:
        """Orders outside the window that still need work: interrupted, transient, or asked-for errors."""
        from puente.models import Order

        seen_ids = {order.id for order in seen}
        rows = ledger.rows(tenant, channel, statuses=["queued", "pending", "error"])
        found = []
        for row in rows:
            if row["order_id"] in seen_ids:
                continue
            if row["status"] == "error" and not (retry_errors or row["category"] == "transient"):
                continue
            found.append(source.read_order(row["order_id"]) if row["status"] == "error" else
                         Order.model_validate(row["payload"]))
        return found

    @staticmethod
    def _report(store, tenant, channel, run_id, counts, window, *, dry_run: bool) -> None:
        details = {"window": [w.isoformat() for w in window] if window else None}
        store.write_report(tenant, f"{channel_flow(channel)}/collect", run_id, "success", dict(counts), details,
                           dry_run=dry_run)


class _Chunk:
    """What the workers of one chunk share, under one lock: the ids still to start, the outcomes,
    and the trip wires (the ERP looks down, a worker died, the channel looks down for attaching).

    Once a wire trips no worker starts another order, so everything not started stays ``queued``
    for the retry or the next run; orders already in flight finish and are recorded normally.
    """

    def __init__(self, order_ids: list[str]) -> None:
        self._ids = iter(order_ids)
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.transient_in_a_row = 0
        self.attach_failures_in_a_row = 0
        self.outage: str | None = None
        self.stopped = False

    def next_id(self) -> str | None:
        with self.lock:
            return None if self.stopped else next(self._ids, None)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True

    def count(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1

    def record(self, status: str, fields: dict) -> None:
        from puente.rules.invoicing import TRANSIENT

        with self.lock:
            self.outcomes[status] += 1
            if status != "error" or fields.get("category") != TRANSIENT:
                self.transient_in_a_row = 0
                return
            self.transient_in_a_row += 1
            if self.transient_in_a_row >= OUTAGE_AFTER and self.outage is None:
                self.outage = f"{self.transient_in_a_row} transient failures in a row: {fields.get('reason')}"
                self.stopped = True

    def attach_looks_down(self) -> bool:
        with self.lock:
            return self.attach_failures_in_a_row >= OUTAGE_AFTER

    def record_attach(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[f"attach_{outcome}"] += 1
            if outcome == "failed":
                self.attach_failures_in_a_row += 1
            elif outcome == "attached":
                self.attach_failures_in_a_row = 0


class InvoiceOrdersOperator(BaseOperator):
    """Invoice one chunk of orders, each exactly once, each outcome recorded in the ledger.

    ``concurrency`` workers take orders from the chunk, each with its own invoice sink (one HTTP
    session per thread) and the per-order protocol unchanged: ``claim``, ``invoice_one``,
    ``finish``. Overlapping calls is what lets the vendors' budgets, not latency, bind; the hooks'
    shared limiter keeps those budgets. Each invoiced document is attached right away by a second
    pool (``attach_one``, the attach task's own protocol), so the channel's calls run alongside
    the ERP's; the attach task after the chunks picks up whatever this could not attach.
    """

    ui_color = "#fbe3c4"

    def __init__(self, *, tenant_config: dict, channel_index: int, order_ids: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant_config = tenant_config
        self.channel_index = channel_index
        self.order_ids = order_ids

    def execute(self, context: Any) -> dict[str, int]:
        from puente.connectors import registry
        from puente.operators.invoice_outcome import invoice_one
        from puente.operators.preview import dry_run_for
        from puente.operators.runtime import share_rate_limits
        from puente.rules.claims import claim_token
        from puente.state.ledger import InvoiceLedger
        from puente.state.store import StateStore

        dry_run_for(context, FLOW, preview=False)  # refuses a run that asks for a dry run
        share_rate_limits()
        config, channel, settings = _load(self.tenant_config, self.channel_index)
        store = StateStore()
        ledger = InvoiceLedger(store)
        first_sink = registry.invoice_sink(config.erp)
        known = sku_map_for(config, store, first_sink, channel.conn_id)
        run_id = context["run_id"]
        claim = claim_token(run_id, context["ti"].map_index)
        lease = timedelta(minutes=settings.claim_lease_minutes)
        options = invoicing_options(channel, settings, first_sink)
        issue_date = datetime.now(ZoneInfo(config.timezone)).date()
        chunk = _Chunk(self.order_ids)
        attaching = settings.attach_documents
        workers = max(1, min(settings.concurrency, len(self.order_ids)))
        local = threading.local()

        def attach(row: dict) -> None:
            from puente.operators.invoicing_finish import attach_one

            if chunk.attach_looks_down():  # leave the rest to the attach task
                chunk.record_attach("deferred")
                return
            if not hasattr(local, "source"):  # one channel hook (session) per attach thread
                local.source = registry.order_source(channel, config.timezone)
            outcome, exc = attach_one(ledger, local.source, config.tenant, channel.conn_id, row)
            chunk.record_attach(outcome)
            if exc is not None:
                self.log.warning("order %s: attaching %s (%s); the attach task tries again", row["order_id"],
                                 outcome, exc)

        def invoice(attach_pool: ThreadPoolExecutor | None) -> list[Future]:
            sink = registry.invoice_sink(config.erp)  # one ERP hook (session) per worker thread
            attaches: list[Future] = []
            try:
                while (order_id := chunk.next_id()) is not None:
                    row = ledger.claim(config.tenant, channel.conn_id, order_id, claim, lease=lease)
                    if row is None:
                        chunk.count("held_elsewhere_or_done")
                        continue
                    status, fields = invoice_one(row, sink, known, issue_date, options)
                    recorded = ledger.finish(config.tenant, channel.conn_id, order_id, claim, status, run_id=run_id,
                                             **fields)
                    chunk.record(status, fields)
                    if status == "invoiced" and recorded and attach_pool is not None:  # fenced out: not ours
                        attaches.append(attach_pool.submit(attach, row | fields))
            except BaseException:  # not a business outcome (a bug, a kill): stop the chunk, then fail
                chunk.stop()
                raise
            return attaches

        with ThreadPoolExecutor(workers, thread_name_prefix="attach") if attaching else nullcontext() as attach_pool:
            with ThreadPoolExecutor(workers, thread_name_prefix="invoice") as invoice_pool:
                futures = [invoice_pool.submit(invoice, attach_pool) for _ in range(workers)]
            # every worker has returned; a failed one's claimed order stays 'pending' for the protocol
            attaches = [f for future in futures if future.exception() is None for f in future.result()]
            for future in [*futures, *attaches]:
                future.result()  # re-raise the first failure, after the other workers finished theirs
        if chunk.outage is not None:
            raise AirflowException(f"{config.erp.vendor} looks down ({chunk.outage}); stopping this chunk, "
                                   "its orders stay retryable")
        self.log.info("chunk of %d orders, %d at a time: %s", len(self.order_ids), workers, dict(chunk.outcomes))
        return dict(chunk.outcomes)
