"""``import_missing``: create in a channel the ERP products it lacks, exactly once ("Importar productos").

The seed article's merchant "made an import but not all products appear in my store": this is
that import. One engine for the CLI (``puente catalog import``), the catalog DAG's
``import_missing`` param and, next, the operations console:

1. read the ERP catalog and the channel's listings; ``rules.catalog_import.plan_import`` says which
   ERP products the channel lacks (and which it leaves out, and why);
2. per product: claim its ledger row (``pending``) *before* the create; a row already ``pending``
   (an earlier attempt whose outcome is unknown) is looked up by SKU first and adopted if found;
3. create; on a lost answer (5xx, timeout, cut connection after sending) look it up by SKU and
   adopt it, never re-send blindly; a refusal (4xx) is recorded with the vendor's message and the
   other products go on; an outage stops the import (what was done is kept);
4. a created or adopted product is linked at once: its ``sku_link`` rows become ``linked``, so
   invoicing and the next sync see it without waiting for a sync run.

Dry run: the plan is reported, nothing is created or recorded in the ledger.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from puente.config.models import TenantConfig
from puente.config.price_lists import erp_for_channel
from puente.connectors import registry
from puente.hooks.errors import AuthError, PermanentError, TransientError
from puente.rules.catalog import CatalogOptions
from puente.rules.catalog_import import CreatedProduct, ImportProduct, ImportVariant, plan_import
from puente.state.catalog_import import CatalogImportLedger
from puente.state.manual_links import ManualLinks
from puente.state.store import StateStore

log = logging.getLogger(__name__)

FLOW = "catalog_import"
FAILED = ("failed", "not_attempted")


def import_flow(channel_conn_id: str) -> str:
    return f"{FLOW}/{channel_conn_id}"


@dataclass
class ProductOutcome:
    """What happened to one ERP product: created, adopted, would_create, already_created, skipped,
    held (another import holds it), failed (with the reason) or not_attempted (an outage stopped us)."""

    key: str
    name: str
    skus: list[str]
    status: str
    reason: str | None = None
    product_id: str | None = None

    def line(self) -> str:
        where = f" -> product {self.product_id}" if self.product_id else ""
        why = f": {self.reason}" if self.reason else ""
        return f"{self.status:<15} {self.name} [{', '.join(self.skus)}]{where}{why}"


@dataclass
class ImportReport:
    tenant: str
    channel: str
    dry_run: bool
    outcomes: list[ProductOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        return self.error is None and not any(o.status in FAILED for o in self.outcomes)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "nothing to import"
        mode = " (dry run)" if self.dry_run else ""
        error = f"; stopped: {self.error}" if self.error else ""
        return f"{self.tenant} -> {self.channel}{mode}: {counts}{error}"


class _Outage(Exception):
    """The channel is unavailable (auth, rate limit, connection): stop, keep what was done."""


def find_channel(config: TenantConfig, channel_conn_id: str) -> Any:
    for channel in config.channels:
        if channel.conn_id == channel_conn_id:
            return channel
    known = ", ".join(c.conn_id for c in config.channels)
    raise LookupError(f"tenant {config.tenant} has no channel {channel_conn_id!r} (channels: {known})")


def import_missing(
    config: TenantConfig,
    channel_conn_id: str,
    skus: Collection[str] | None = None,
    dry_run: bool = False,
    actor: str = "cli",
    *,
    run_id: str | None = None,
    store: StateStore | None = None,
) -> ImportReport:
    """Create in the channel the ERP products it lacks (all, or the products holding ``skus``).

    ``actor`` is recorded as who created each product; ``run_id`` (a DAG run) is the claim token,
    so a retried task takes its own pending rows back; without it each call is its own claim.
    """
    from puente.operators.catalog_sync import read_both

    channel = find_channel(config, channel_conn_id)
    if not registry.can_import(channel):
        raise LookupError(f"channel {channel_conn_id!r} ({channel.vendor}) cannot create products")
    settings = config.flows.catalog_sync
    options = CatalogOptions(price_with_taxes=settings.price_with_taxes, presale=settings.presale,
                             sku_normalization=tuple(settings.sku_normalization))
    importer = registry.catalog_importer(channel)
    erp_settings = erp_for_channel(config.erp, channel)  # the channel's own price list, if it names one
    erp, listings = read_both(registry.catalog_source(erp_settings), registry.catalog_target(channel), None)
    store = store or StateStore()
    by_hand = [row["erp_sku"] for row in ManualLinks(store).rows(config.tenant, channel.conn_id)]
    plan = plan_import(erp, listings, options, skus, by_hand)

    report = ImportReport(config.tenant, channel.conn_id, dry_run)
    report.outcomes += [ProductOutcome(s["key"], s["name"], s["skus"], "skipped", s["reason"]) for s in plan.skipped]
    ledger = CatalogImportLedger(store)
    done = ledger.rows(config.tenant, channel.conn_id, statuses=["created"])
    run = _Run(config.tenant, channel.conn_id, importer, ledger, store, actor, run_id or f"{actor}:{uuid.uuid4()}")
    if not dry_run:
        planned = {product.key for product in plan.products}
        report.outcomes += run.settle_listed(ledger.rows(config.tenant, channel.conn_id, statuses=["pending"]),
                                             planned, erp, listings)
    for index, product in enumerate(plan.products):
        if product.key in done:
            report.outcomes.append(_outcome(product, "already_created", product_id=done[product.key]["product_id"],
                                            reason="imported before, but not in the channel now (deleted there?)"))
        elif dry_run:
            report.outcomes.append(_outcome(product, "would_create"))
        else:
            try:
                report.outcomes.append(run.import_one(product))
            except _Outage as exc:
                report.error = str(exc)
                report.outcomes += [_outcome(p, "not_attempted") for p in plan.products[index:]]
                break
    _record(store, report, run_id or run.claim)
    for outcome in report.outcomes:
        (log.info if outcome.status not in FAILED else log.warning)("%s", outcome.line())
    log.info("%s", report.summary())
    return report


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _outcome(product: ImportProduct, status: str, **extra: Any) -> ProductOutcome:
    return ProductOutcome(product.key, product.name, product.skus, status, **extra)


@dataclass
class _Run:
    """One import's per-product protocol (claim -> look up if uncertain -> create -> link)."""

    tenant: str
    channel: str
    importer: Any
    ledger: CatalogImportLedger
    store: StateStore
    actor: str
    claim: str

    def import_one(self, product: ImportProduct) -> ProductOutcome:
        before = self.ledger.claim(self.tenant, self.channel, product.key, name=product.name, skus=product.skus,
                                   claim=self.claim)
        if before is None:
            return _outcome(product, "held", reason="another import is creating it now")
        if before.get("status") == "created":
            return _outcome(product, "already_created", product_id=before["product_id"])
        if before.get("status") == "pending":  # an earlier attempt may have created it: look first
            found = self._find(product)
            if found is not None:
                return self._adopt(product, found, "adopted: an earlier attempt had created it")
        try:
            created = self.importer.create(product)
        except AuthError as exc:
            self.ledger.failed(self.tenant, self.channel, product.key, claim=self.claim, reason=str(exc))
            raise _Outage(str(exc)) from exc
        except PermanentError as exc:
            reason = exc.vendor_message or str(exc)
            self.ledger.failed(self.tenant, self.channel, product.key, claim=self.claim, reason=reason)
            return _outcome(product, "failed", reason=f"refused: {reason}")
        except TransientError as exc:
            if not exc.uncertain:  # never sent: nothing created, and the channel is down
                self.ledger.failed(self.tenant, self.channel, product.key, claim=self.claim, reason=str(exc))
                raise _Outage(str(exc)) from exc
            found = self._find(product)
            if found is not None:
                return self._adopt(product, found, "adopted: the create's answer was lost")
            reason = ("the create's answer was lost and a lookup did not find the product (complete): the next "
                      "import looks again before it creates anything")
            self.ledger.failed(self.tenant, self.channel, product.key, claim=self.claim, reason=reason)
            return _outcome(product, "failed", reason=reason)
        except Exception as exc:  # rate limit after retries, unreadable answer...: the row stays pending
            raise _Outage(f"{type(exc).__name__}: {exc}") from exc
        return self._adopt(product, created, None)

    def settle_listed(self, pending: dict[str, dict], planned: set[str], erp: pd.DataFrame,
                      listings: pd.DataFrame) -> list[ProductOutcome]:
        """Pending rows whose SKUs the channel now lists: an earlier create did reach it. Adopt them
        from the listings (the plan no longer holds them, so nothing would ever settle them)."""
        by_sku = {row.sku: row for row in listings.itertuples(index=False)}
        sources = dict(zip(erp["sku"].astype(str), erp["source_id"], strict=True))
        outcomes = []
        for key, row in pending.items():
            skus = [str(sku) for sku in row["skus"] or []]
            if key in planned or not skus or not all(sku in by_sku for sku in skus):
                continue
            product = ImportProduct(key, row["name"] or key, tuple(
                ImportVariant(sku, _text(sources.get(sku)), 0, False, Decimal(0)) for sku in skus))
            taken = self.ledger.claim(self.tenant, self.channel, key, name=product.name, skus=skus, claim=self.claim)
            if taken is None:
                continue  # another import holds it and will settle it
            found = CreatedProduct(str(by_sku[skus[0]].product_id),
                                   {sku: _text(by_sku[sku].variant_id) for sku in skus})
            outcomes.append(self._adopt(product, found, "adopted: an earlier attempt had created it (now listed)"))
        return outcomes

    def _find(self, product: ImportProduct) -> CreatedProduct | None:
        """The lookup that settles an unknown outcome; if it fails too the row stays ``pending``."""
        try:
            return self.importer.find(product)
        except Exception as exc:
            raise _Outage(f"looking up {product.skus[0]} after an unknown outcome: {exc}") from exc

    def _adopt(self, product: ImportProduct, created: CreatedProduct, how: str | None) -> ProductOutcome:
        self.ledger.created(self.tenant, self.channel, product.key, claim=self.claim, product_id=created.product_id,
                            variants=created.variants, created_by=self.actor, reason=how)
        self.store.save_links(self.tenant, self.channel, created.links(product))
        status = "created" if how is None else "adopted"
        return _outcome(product, status, product_id=created.product_id, reason=how)


def _record(store: StateStore, report: ImportReport, run_id: str) -> None:
    status = "failed" if report.error else ("partial" if not report.ok else "success")
    details = {"channel": report.channel, "error": report.error, "products": [asdict(o) for o in report.outcomes]}
    store.write_report(report.tenant, import_flow(report.channel), run_id, status, report.counts, details,
                       dry_run=report.dry_run)
