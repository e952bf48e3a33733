"""``puente catalog links | link | unlink``: the synced-products list and manual links.

``links`` is the article's "lista de productos sincronizados": every SKU the last sync saw per
channel, how it is linked (exact SKU, normalised SKU, by hand: who and when) or why it is not.
"""

from __future__ import annotations

import argparse
import getpass
import sys

UNMATCHED = {"erp": "source_only", "channel": "target_only", "unsupported": "unsupported"}
COLUMNS = ("channel", "sku", "status", "match", "listing_sku", "listing", "linked_by", "reason")


def add_commands(catalog_commands: argparse._SubParsersAction) -> None:
    links = catalog_commands.add_parser("links", help="the synced-products list: each SKU, how it is linked or why not")
    links.add_argument("tenant")
    links.add_argument("--channel", help="only this channel connection id")
    links.add_argument("--unmatched", choices=sorted(UNMATCHED),
                       help="only SKUs the ERP has and no listing (erp), listings no ERP SKU (channel), or SKUs "
                            "that cannot be synced (unsupported), with the reason")
    links.set_defaults(handler=list_links)

    link = catalog_commands.add_parser("link", help="link a channel listing to an ERP SKU by hand (wins over SKUs)")
    link.add_argument("tenant")
    link.add_argument("erp_sku", help="the ERP's SKU")
    where = link.add_mutually_exclusive_group(required=True)
    where.add_argument("--listing-sku", help="the listing's SKU in the channel")
    where.add_argument("--listing-id", help="PRODUCT_ID or PRODUCT_ID/VARIANT_ID in the channel")
    link.add_argument("--channel", help="channel connection id (needed when the tenant has several)")
    link.add_argument("--note", help="why (kept with the link)")
    link.add_argument("--by", default=None, help="who links (default: cli:<login>)")
    link.set_defaults(handler=link_listing)

    unlink = catalog_commands.add_parser("unlink", help="remove a manual link (the listing then matches by SKU)")
    unlink.add_argument("tenant")
    which = unlink.add_mutually_exclusive_group(required=True)
    which.add_argument("--erp-sku")
    which.add_argument("--listing-id", help="PRODUCT_ID or PRODUCT_ID/VARIANT_ID")
    unlink.add_argument("--channel", help="channel connection id (needed when the tenant has several)")
    unlink.set_defaults(handler=unlink_listing)


def actor(given: str | None) -> str:
    return given or f"cli:{getpass.getuser()}"


def _rows(tenant: str, channel: str | None, unmatched: str | None) -> list[dict]:
    from puente.catalog_links import listing_label
    from puente.state.manual_links import ManualLinks
    from puente.state.store import StateStore

    store = StateStore()
    by_hand = {(r["channel"], r["erp_sku"]): r for r in ManualLinks(store).rows(tenant, channel)}
    rows = []
    for row in store.links(tenant, channel):
        if unmatched and row["status"] != UNMATCHED[unmatched]:
            continue
        manual = by_hand.get((row["channel"], row["sku"])) if row["match"] == "manual" else None
        listing = row["product_id"] and listing_label(row["product_id"], row["variant_id"])
        rows.append(row | {"listing": listing, "linked_by": manual and f"{manual['linked_by']} "
                           f"{manual['linked_at']:%Y-%m-%d %H:%M}"})
    return rows


def list_links(args: argparse.Namespace) -> int:
    rows = _rows(args.tenant, args.channel, args.unmatched)
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join("" if row.get(column) is None else str(row[column]) for column in COLUMNS))
    print(f"{len(rows)} SKU(s); the list is what the last catalog sync saw", file=sys.stderr)
    return 0


def link_listing(args: argparse.Namespace) -> int:
    from puente.catalog_links import LinkRefused, catalog_channel, check_erp_sku, find_listing, link, tenant_config
    from puente.state.action_log import record_cli

    who, request = actor(args.by), {"listing_sku": args.listing_sku, "listing_id": args.listing_id,
                                    "channel": args.channel, "note": args.note}
    try:
        config = tenant_config(args.tenant)
        channel = catalog_channel(config, args.channel)
        listing = find_listing(config, channel, listing_sku=args.listing_sku, listing_ref=args.listing_id)
        check_erp_sku(config, args.erp_sku)
        line = link(config, channel, listing, args.erp_sku, actor=who, note=args.note)
    except LinkRefused as exc:
        record_cli(args.tenant, "link", args.erp_sku, who, "refused", {"request": request, "reason": str(exc)})
        print(f"{args.tenant}: not linked: {exc}", file=sys.stderr)
        return 1
    record_cli(args.tenant, "link", args.erp_sku, who, "done", {"request": request, "result": line})
    print(line)
    print(f"the next catalog sync pushes {args.erp_sku}'s stock and price to it "
          f"(now: trigger {args.tenant}__catalog_sync with skus=[\"{args.erp_sku}\"])", file=sys.stderr)
    return 0


def unlink_listing(args: argparse.Namespace) -> int:
    from puente.catalog_links import LinkRefused, catalog_channel, tenant_config, unlink
    from puente.state.action_log import record_cli

    who, subject = actor(None), args.erp_sku or args.listing_id or ""
    request = {"erp_sku": args.erp_sku, "listing_id": args.listing_id, "channel": args.channel}
    try:
        config = tenant_config(args.tenant)
        channel = catalog_channel(config, args.channel)
        line = unlink(config, channel, erp_sku=args.erp_sku, listing_ref=args.listing_id)
    except LinkRefused as exc:
        record_cli(args.tenant, "unlink", subject, who, "refused", {"request": request, "reason": str(exc)})
        print(f"{args.tenant}: not unlinked: {exc}", file=sys.stderr)
        return 1
    record_cli(args.tenant, "unlink", subject, who, "done", {"request": request, "result": line})
    print(line)
    return 0
