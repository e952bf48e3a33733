"""``puente orders``: read the invoice ledger and record a person's decision on an order.

Errors are data: an operator must be able to list what failed and why without SQL, and settle an
``uncertain`` order (an ERP without lookup may or may not have created its document) after checking
the ERP, instead of editing the database by hand.
"""

from __future__ import annotations

import argparse
import sys

RESOLUTIONS = {"retry": "queued", "skipped": "skipped"}
COLUMNS = ("channel", "order_id", "status", "category", "kind", "erp_doc_number", "attempts", "reason")


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


def list_orders(args: argparse.Namespace) -> int:
    from puente.state.ledger import InvoiceLedger

    rows = InvoiceLedger().rows(args.tenant, statuses=args.status)
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join("" if row[column] is None else str(row[column]) for column in COLUMNS))
    print(f"{len(rows)} order(s)", file=sys.stderr)
    return 0


def resolve_order(args: argparse.Namespace) -> int:
    from puente.state.ledger import InvoiceLedger

    ledger = InvoiceLedger()
    rows = ledger.rows(args.tenant, args.channel, order_ids=[args.order_id])
    if len(rows) != 1:
        found = "no such order" if not rows else "the order is in several channels: pass --channel"
        print(f"{args.tenant} order {args.order_id}: {found}", file=sys.stderr)
        return 1
    row = rows[0]
    status = RESOLUTIONS[args.resolution]
    if not ledger.resolve(args.tenant, row["channel"], args.order_id, status, f"resolved by hand: {args.reason}"):
        print(f"{args.tenant} order {args.order_id} is {row['status']}: only error or uncertain orders can be "
              "resolved", file=sys.stderr)
        return 1
    print(f"{args.tenant} order {args.order_id} ({row['channel']}): {row['status']} -> {status}")
    return 0
