"""Invoice chosen orders now, optionally with a person's ERP SKU for some lines ("facturar a un clic").

"Si el SKU no coincide debes colocar el SKU correspondiente y luego facturar": a person names, for
one order, the ERP SKU of a line whose channel SKU links to nothing. The override is checked (the
ERP has that SKU, the order has that line), kept with the ledger row (who, when, what), and the
order goes through the same per-order protocol as an invoice task: claim, ``invoice_one``,
``finish``, attach. So it is invoiced once: an order already invoiced is reported, not re-sent,
and a run that died mid-call leaves the row ``pending`` for the lookup/idempotent re-send.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class OverrideRefused(Exception):
    """An override that cannot hold: one line for a person."""


@dataclass(frozen=True)
class Outcome:
    order_id: str
    status: str
    detail: str

    def line(self) -> str:
        return f"order {self.order_id}: {self.status}{': ' + self.detail if self.detail else ''}"


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """``CHANNEL_SKU=ERP_SKU`` pairs -> a dict; a malformed or repeated pair is refused."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        channel_sku, sep, erp_sku = pair.partition("=")
        if not sep or not channel_sku.strip() or not erp_sku.strip():
            raise OverrideRefused(f"--sku {pair!r}: expected CHANNEL_SKU=ERP_SKU")
        if channel_sku.strip() in overrides:
            raise OverrideRefused(f"--sku names {channel_sku.strip()!r} twice")
        overrides[channel_sku.strip()] = erp_sku.strip()
    return overrides


def check_overrides(config, order, overrides: Mapping[str, str]) -> None:
    """Every override names a line of the order and an ERP SKU that exists and may be invoiced."""
    from puente.catalog_links import LinkRefused, check_erp_sku
    from puente.connectors import registry

    lines = {line.sku for line in order.lines}
    for channel_sku, erp_sku in overrides.items():
        if channel_sku not in lines:
            raise OverrideRefused(f"order {order.id} has no line with SKU {channel_sku!r} (its lines: "
                                  f"{', '.join(sorted(lines)) or 'none'})")
        if config.erp.vendor in registry.catalog_source_vendors():
            try:
                check_erp_sku(config, erp_sku)
            except LinkRefused as exc:
                raise OverrideRefused(str(exc)) from exc


def invoice_now(config, channel, order_ids: Sequence[str], overrides: Mapping[str, Mapping[str, str]], *,
                actor: str, ledger=None) -> list[Outcome]:
    """Invoice ``order_ids`` of ``channel`` now; ``overrides``: order id -> {channel SKU: ERP SKU}."""
    from puente.connectors import registry
    from puente.operators.invoice_outcome import invoice_one
    from puente.operators.invoicing import invoicing_options, is_eligible, sku_map_for
    from puente.operators.invoicing_finish import attach_one
    from puente.state.ledger import InvoiceLedger

    ledger = ledger or InvoiceLedger()
    settings = config.flows.invoicing
    source = registry.order_source(channel, config.timezone)
    sink = registry.invoice_sink(config.erp)
    run_id = f"manual__{actor}__{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    outcomes: list[Outcome] = []
    orders = []
    for order_id in order_ids:
        order = source.read_order(order_id)
        check_overrides(config, order, overrides.get(order_id, {}))  # before anything is kept
        if not is_eligible(source, order, settings.statuses):
            outcomes.append(Outcome(order_id, "not_eligible", f"status {order.status} is not one the tenant "
                                    f"invoices ({', '.join(settings.statuses)})"))
            continue
        orders.append(order)
    ids, _ = ledger.enqueue(config.tenant, channel.conn_id, run_id, [
        {"order_id": o.id, "payload": o.model_dump(mode="json"), "created_at": o.created_at} for o in orders
    ], retry_errors=True)
    for order_id in ids:
        if overrides.get(order_id) and not ledger.set_overrides(config.tenant, channel.conn_id, order_id,
                                                                overrides[order_id], actor):
            outcomes.append(Outcome(order_id, "not_changed", "the order is being invoiced or was settled"))
    known = sku_map_for(config, ledger.store, sink, channel.conn_id)
    options = invoicing_options(channel, settings, sink)
    issue_date = datetime.now(ZoneInfo(config.timezone)).date()
    for order in orders:
        if order.id not in ids:
            row = ledger.rows(config.tenant, channel.conn_id, order_ids=[order.id])[0]
            outcomes.append(Outcome(order.id, row["status"], f"document {row['erp_doc_number']}"
                                    if row["erp_doc_number"] else row["reason"] or "nothing to do"))
            continue
        claim = f"{run_id}/0"
        row = ledger.claim(config.tenant, channel.conn_id, order.id, claim,
                           lease=timedelta(minutes=settings.claim_lease_minutes))
        if row is None:
            outcomes.append(Outcome(order.id, "held_elsewhere", "another run holds it; try again after it ends"))
            continue
        status, fields = invoice_one(row, sink, known, issue_date, options)
        ledger.finish(config.tenant, channel.conn_id, order.id, claim, status, run_id=run_id, **fields)
        detail = fields.get("erp_doc_number") or fields.get("reason") or ""
        if status == "invoiced" and settings.attach_documents:
            attached, exc = attach_one(ledger, source, config.tenant, channel.conn_id, row | fields)
            detail += f" (attach: {attached}{', ' + str(exc) if exc else ''})"
        outcomes.append(Outcome(order.id, status, str(detail)))
    return outcomes
