"""Invoicing rules: which orders get a document, which document, and what goes on it.

Pure functions over canonical models, so every rule of the seed article is unit-tested without a
vendor: zero-value orders are skipped, zero-value lines dropped, unsynced SKUs fail with a
fixable reason, facturas need the buyer's tax data, shipping becomes a line when configured.
Outcomes are data (``Decision``), never exceptions: one bad order must not stop the batch.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from puente.models import Buyer, DraftLine, InvoiceDraft, Order
from puente.rules.sku_matching import SkuMap

CENT = Decimal("0.01")
FACTURA_REQUIRED = ("doc_number", "company", "activity", "address", "municipality", "city")

# Error categories: what a person has to do differs per category, so reports group by it.
UNLINKED_SKU = "unlinked_sku"
NO_STOCK = "no_stock"
SERIAL_REQUIRED = "serial_required"
CLIENT_INCOMPLETE = "client_incomplete"
VENDOR_REJECTED = "vendor_rejected"
TRANSIENT = "transient"
ZERO_PRICE = "zero_price"
# The category of an *invoiced* order whose document an interrupted earlier attempt had made (found by
# a lookup, or returned by an idempotent re-send as made before this attempt): not a new document.
FOUND_EXISTING = "found_existing"


@dataclass(frozen=True)
class InvoicingOptions:
    """What the rules need to know; the flow's settings give the first six, the ERP's sink the rest
    (``InvoiceSink.rule_options()``: e.g. an ERP that sends to the tax authority refuses zero-price lines).

    ``document_rule``: "chile" picks boleta or factura from the buyer's tax data; "single" gives
    every order one kind of document, ``"invoice"`` (Colombia's factura electrónica; Argentina's
    letter is the ERP's choice), and needs the buyer's document when ``require_client_document``.
    ``generic_sku``: lines whose SKU the ERP does not know are invoiced under this product instead
    of putting the order in error. ``zero_price_lines``: "drop" (Chile: the ERP refuses them, the
    document goes without) or "refuse" (DIAN: the order errs with that reason, nothing is sent).
    """

    vat_rate: Decimal = Decimal("0.19")
    shipping_as_line: bool = False
    shipping_description: str = "Despacho"
    default_email: str | None = None
    default_phone: str | None = None
    reference_prefix: str = "JS"
    document_rule: Literal["chile", "single"] = "chile"
    generic_sku: str | None = None
    zero_price_lines: Literal["drop", "refuse"] = "drop"
    default_document: str | None = None
    require_client_document: bool = False


@dataclass(frozen=True)
class Decision:
    action: str  # "invoice" | "skip" | "error"
    draft: InvoiceDraft | None = None
    category: str | None = None
    reason: str | None = None


def rut_is_valid(rut: str | None) -> bool:
    """Chilean RUT check digit (módulo 11): a wrong RUT is refused by the SII, so catch it early."""
    if not rut:
        return False
    cleaned = rut.replace(".", "").replace(" ", "").upper()
    if "-" not in cleaned:
        return False
    body, _, check = cleaned.rpartition("-")
    if not body.isdigit() or len(check) != 1:
        return False
    total, factor = 0, 2
    for digit in reversed(body):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    expected = 11 - total % 11
    return check == {10: "K", 11: "0"}.get(expected, str(expected))


def document_kind(buyer: Buyer) -> str:
    """Factura when the buyer gave a tax id and a company name at checkout, boleta otherwise."""
    return "factura" if buyer.doc_number and buyer.company else "boleta"


def _net(gross: Decimal, vat_rate: Decimal, prices_include_tax: bool) -> Decimal:
    value = gross / (1 + vat_rate) if prices_include_tax else gross
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _client(buyer: Buyer, kind: str, options: InvoicingOptions) -> tuple[Buyer | None, str | None]:
    with_defaults = buyer.model_copy(
        update={"email": buyer.email or options.default_email, "phone": buyer.phone or options.default_phone}
    )
    if kind == "invoice":
        if not with_defaults.doc_number and options.default_document:
            with_defaults = with_defaults.model_copy(update={"doc_number": options.default_document})
        if options.require_client_document and not with_defaults.doc_number:
            return None, "the buyer gave no identification document and no default document is configured"
        return with_defaults, None
    if kind == "boleta":
        return (with_defaults if with_defaults.email or with_defaults.doc_number else None), None
    missing = [name for name in FACTURA_REQUIRED if not getattr(with_defaults, name)]
    if missing:
        return None, f"factura needs the buyer's {', '.join(missing)}"
    if not rut_is_valid(with_defaults.doc_number):
        return None, f"factura: RUT {with_defaults.doc_number!r} has a wrong check digit"
    return with_defaults, None


def decide(
    order: Order, known_skus: SkuMap | Collection[str] | None, issue_date: date, options: InvoicingOptions
) -> Decision:
    """What to do with one eligible order (status and ledger checks happen before).

    ``known_skus`` None means the ERP does not need its products linked (it takes any line); else it
    maps each line's channel SKU to the ERP's (``SkuMap``: manual links, normalised links, a person's
    overrides for this order; a plain collection: ERP SKUs, spelled as the channel spells them).
    Document lines carry the ERP's SKU.
    """
    if known_skus is not None and not isinstance(known_skus, SkuMap):
        known_skus = SkuMap.build(known_skus)
    paid_lines = [line for line in order.lines if line.total > 0]
    if not paid_lines:
        return Decision("skip", reason="every line is zero-value: the ERP accepts no document with only "
                                       "zero-value products")
    if options.zero_price_lines == "refuse" and len(paid_lines) < len(order.lines):
        names = "; ".join(f"{line.name} (SKU {line.sku or 'blank'})" for line in order.lines if line.total <= 0)
        return Decision("error", category=ZERO_PRICE,
                        reason=f"line without price: {names}. The DIAN does not accept an electronic invoice "
                               "with a zero-price line; fix the order's prices or turn DIAN sending off")
    erp_sku = {id(line): line.sku if known_skus is None else known_skus.resolve(line.sku) for line in paid_lines}
    unsynced = [line for line in paid_lines if erp_sku[id(line)] is None]
    if unsynced and not options.generic_sku:
        names = "; ".join(f"{line.name} (SKU {line.sku or 'blank'})" for line in unsynced)
        return Decision("error", category=UNLINKED_SKU,
                        reason=f"product not synced: {names}. Link the SKU (puente catalog link) or invoice the "
                               "order with an override (puente orders invoice ... --sku CHANNEL_SKU=ERP_SKU)")
    kind = "invoice" if options.document_rule == "single" else document_kind(order.buyer)
    client, problem = _client(order.buyer, kind, options)
    if problem:
        return Decision("error", category=CLIENT_INCOMPLETE, reason=problem)

    generic = {id(line) for line in unsynced}
    lines = []
    for line in paid_lines:
        gross_unit = (line.total / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(DraftLine(
            sku=options.generic_sku if id(line) in generic else erp_sku[id(line)], description=line.name,
            quantity=line.quantity, gross_unit_price=gross_unit,
            net_unit_price=_net(gross_unit, options.vat_rate, order.prices_include_tax),
        ))
    if options.shipping_as_line and order.shipping_cost > 0:
        lines.append(DraftLine(
            sku=None, description=options.shipping_description, quantity=Decimal(1),
            gross_unit_price=order.shipping_cost,
            net_unit_price=_net(order.shipping_cost, options.vat_rate, order.prices_include_tax),
        ))
    draft = InvoiceDraft(
        order_id=order.id, channel=order.channel, kind=kind, issue_date=issue_date,
        reference=f"{options.reference_prefix}-{order.id}" if options.reference_prefix else order.id,
        order_date=order.created_at.date(), client=client, lines=tuple(lines),
        gross_total=sum((line.gross_unit_price * line.quantity for line in lines), Decimal(0)),
    )
    return Decision("invoice", draft=draft)
