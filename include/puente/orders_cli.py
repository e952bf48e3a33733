"""``puente orders``: read the invoice ledger and record a person's decision on an order.

Errors are data: an operator must be able to list what failed and why without SQL, and settle an
``uncertain`` order (an ERP without lookup may or may not have created its document) after checking
the ERP, instead of editing the database by hand. ``pending`` orders show who holds them and until
when; ``release`` takes back the claims of tasks Airflow says are over (see claim_release.py).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from puente.order_decisions import RESOLUTIONS

COLUMNS = ("channel", "order_id", "status", "category", "kind", "erp_doc_number", "attempts", "claim", "lease_ends",
           "override", "reason")
DEFAULT_LEASE_MINUTES = 30  # the tenant setting's default, for a tenant whose file no longer loads


def add_commands(commands: argparse._SubParsersAction) -> None:
    orders = commands.add_parser("orders", help="the invoice ledger: list orders, resolve one by hand")
    order_commands = orders.add_subparsers(dest="orders_command", required=True)

    listing = order_commands.add_parser("list", help="orders of a tenant with status, category and reason")
    listing.add_argument("tenant")
    listing.add_argument("--status", action="append", help="only these statuses (repeatable)")
    listing.set_defaults(handler=list_orders)

    resolve = order_commands.add_parser("resolve", help="a person's decision on an order in error or uncertain")
    resolve.add_argument("tenant")
    resolve.add_argument("order_id")
    resolve.add_argument("--as", dest="resolution", choices=sorted(RESOLUTIONS), required=True,
                         help="retry: the next run invoices it again; skipped: settled outside Puente")
    resolve.add_argument("--reason", required=True, help="why (kept in the ledger)")
    resolve.add_argument("--channel", help="channel connection id (needed only if the order id is ambiguous)")
    resolve.set_defaults(handler=resolve_order)

    settle = order_commands.add_parser(
        "settle", help="settle an order in error or uncertain after checking the ERP, once (console: settle)")
    settle.add_argument("tenant")
    settle.add_argument("order_id")
    decision = settle.add_mutually_exclusive_group(required=True)
    decision.add_argument("--exists", metavar="DOCUMENT", help="it exists in the ERP as this document number")
    decision.add_argument("--send", action="store_true", help="it does not exist in the ERP: the next run sends it")
    decision.add_argument("--skip", action="store_true", help="never invoice it (--reason says why)")
    settle.add_argument("--reason", help="why (required with --skip; kept in the ledger)")
    settle.add_argument("--channel", help="channel connection id (needed only if the order id is ambiguous)")
    settle.add_argument("--by", default=None, help="who decides (default: cli:<login>)")
    settle.set_defaults(handler=settle_order)

    invoice = order_commands.add_parser(
        "invoice", help="invoice these orders now, once; --sku gives a line's ERP SKU when its SKU links to none")
    invoice.add_argument("tenant")
    invoice.add_argument("order_ids", nargs="+")
    invoice.add_argument("--sku", action="append", default=[], metavar="CHANNEL_SKU=ERP_SKU",
                         help="the ERP SKU of the line with CHANNEL_SKU (repeatable; kept with the order)")
    invoice.add_argument("--channel", help="channel connection id (needed when the tenant has several)")
    invoice.add_argument("--link", action="store_true",
                         help="also link the listing with CHANNEL_SKU to ERP_SKU for good (as `catalog link` does)")
    invoice.add_argument("--by", default=None, help="who decides (default: cli:<login>)")
    invoice.set_defaults(handler=invoice_orders)

    release = order_commands.add_parser(
        "release", help="take back the claim of pending orders whose invoice task Airflow says is over")
    release.add_argument("tenant")
    release.add_argument("order_ids", nargs="*", help="these pending orders (or --claim, or --all)")
    release.add_argument("--claim", help="every pending order of this claim (as `orders list` shows it)")
    release.add_argument("--all", action="store_true", help="every pending order of the tenant")
    release.add_argument("--channel", help="only this channel connection id")
    release.add_argument("--reason", required=True, help="why (kept in the ledger)")
    release.set_defaults(handler=release_orders)


def _lease(tenant: str) -> timedelta:
    from puente.config.loader import load_tenants, tenant_paths

    loaded = load_tenants(tenant_paths(tenant))
    config = loaded.tenants.get(tenant)
    return timedelta(minutes=config.flows.invoicing.claim_lease_minutes if config else DEFAULT_LEASE_MINUTES)


def _cells(row: dict, lease: timedelta) -> list[str]:
    from puente.rules.claims import lease_end

    held = row["status"] == "pending"
    ends = lease_end(row["claimed_at"], lease) if held and row["claim"] else None
    values = row | {"claim": row["claim"] if held else None, "lease_ends": ends and ends.isoformat(timespec="seconds"),
                    "override": _override(row)}
    return ["" if values[column] is None else str(values[column]) for column in COLUMNS]


def _override(row: dict) -> str | None:
    """``CH=ERP, ... (by who, when)`` for an order a person gave ERP SKUs for."""
    if not row.get("sku_overrides"):
        return None
    pairs = ", ".join(f"{channel_sku}={erp_sku}" for channel_sku, erp_sku in sorted(row["sku_overrides"].items()))
    when = row["override_at"].isoformat(timespec="minutes") if row.get("override_at") else "?"
    return f"{pairs} (by {row['override_by']}, {when})"


def invoice_orders(args: argparse.Namespace) -> int:
    from puente.catalog_links import LinkRefused, catalog_channel, find_listing, link, order_channel, tenant_config
    from puente.catalog_links_cli import actor
    from puente.invoice_now import OverrideRefused, invoice_now, parse_overrides

    who = actor(args.by)
    try:
        config = tenant_config(args.tenant)
        channel = order_channel(config, args.channel)
        pairs = parse_overrides(args.sku)
        if args.link and pairs:
            catalog = catalog_channel(config, channel.conn_id)  # refuses a channel without catalog
        outcomes = invoice_now(config, channel, args.order_ids, dict.fromkeys(args.order_ids, pairs), actor=who)
    except (LinkRefused, OverrideRefused) as exc:
        from puente.state.action_log import record_cli

        for order_id in args.order_ids:
            record_cli(args.tenant, "invoice", order_id, who, "refused", {"request": {"sku": args.sku},
                                                                            "reason": str(exc)})
        print(f"{args.tenant}: nothing invoiced: {exc}", file=sys.stderr)
        return 1
    from puente.state.action_log import record_cli

    lines = [outcome.line() for outcome in outcomes]
    for order_id in args.order_ids:
        record_cli(args.tenant, "invoice", order_id, who, "done", {"request": {"sku": args.sku}, "result": lines})
    for line in lines:
        print(line)
    ok = all(outcome.status == "invoiced" for outcome in outcomes)
    for channel_sku, erp_sku in pairs.items():
        if not args.link:
            print(f"to keep {channel_sku} -> {erp_sku} for every order: puente catalog link {args.tenant} {erp_sku} "
                  f"--listing-sku {channel_sku} --channel {channel.conn_id}", file=sys.stderr)
            continue
        try:
            listing = find_listing(config, catalog, listing_sku=channel_sku)
            print(link(config, catalog, listing, erp_sku, actor=who, note="from an invoice override"))
        except LinkRefused as exc:
            print(f"{args.tenant}: not linked: {exc}", file=sys.stderr)
            ok = False
    return 0 if ok else 1


def list_orders(args: argparse.Namespace) -> int:
    from puente.state.ledger import InvoiceLedger

    rows = InvoiceLedger().rows(args.tenant, statuses=args.status)
    lease = _lease(args.tenant)
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join(_cells(row, lease)))
    print(f"{len(rows)} order(s)", file=sys.stderr)
    return 0


def resolve_order(args: argparse.Namespace) -> int:
    from puente.catalog_links_cli import actor
    from puente.order_decisions import DecisionRefused
    from puente.order_decisions import resolve_order as decide
    from puente.state.action_log import record_cli

    who, action = actor(None), "retry" if args.resolution == "retry" else "skip"
    request = {"reason": args.reason, "channel": args.channel}
    try:
        line = decide(args.tenant, args.order_id, args.resolution, f"{args.reason} ({who})", channel=args.channel)
    except DecisionRefused as exc:
        record_cli(args.tenant, action, args.order_id, who, "refused", {"request": request, "reason": str(exc)})
        print(str(exc), file=sys.stderr)
        return 1
    record_cli(args.tenant, action, args.order_id, who, "done", {"request": request, "result": line})
    print(line)
    return 0


def settle_order(args: argparse.Namespace) -> int:
    from puente.catalog_links_cli import actor
    from puente.order_decisions import DecisionRefused
    from puente.order_decisions import settle_order as settle
    from puente.state.action_log import record_cli

    decision = "exists" if args.exists is not None else "send" if args.send else "skip"
    who, request = actor(args.by), {"decision": decision, "document": args.exists, "reason": args.reason,
                                    "channel": args.channel}
    try:
        line = settle(args.tenant, args.order_id, decision, by=who, document=args.exists, reason=args.reason,
                      channel=args.channel)
    except DecisionRefused as exc:
        record_cli(args.tenant, "settle", args.order_id, who, "refused", {"request": request, "reason": str(exc)})
        print(str(exc), file=sys.stderr)
        return 1
    record_cli(args.tenant, "settle", args.order_id, who, "done", {"request": request, "result": line})
    print(line)
    return 0


def release_orders(args: argparse.Namespace) -> int:
    from puente.claim_release import release_claims
    from puente.state.ledger import InvoiceLedger

    if bool(args.order_ids) + bool(args.claim) + bool(args.all) != 1:
        print("name the orders: order ids, --claim CLAIM or --all (exactly one of them)", file=sys.stderr)
        return 2
    ledger = InvoiceLedger()
    ids = args.order_ids or None
    rows = ledger.rows(args.tenant, args.channel, statuses=None if ids else ["pending"], order_ids=ids)
    rows = [row for row in rows if not args.claim or row["claim"] == args.claim]
    missing = sorted(set(ids or ()) - {row["order_id"] for row in rows})
    if not rows and not missing:
        print(f"{args.tenant}: no pending order matches", file=sys.stderr)
        return 1
    outcomes = release_claims(ledger, args.tenant, rows, args.reason)
    for outcome in outcomes:
        print(outcome.line())
    for order_id in missing:
        print(f"{args.tenant} order {order_id}: no such order", file=sys.stderr)
    released = sum(outcome.refusal is None for outcome in outcomes)
    print(f"{released} released, {len(outcomes) - released + len(missing)} kept", file=sys.stderr)
    return 0 if released == len(outcomes) and not missing else 1
