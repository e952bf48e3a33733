"""``puente catalog import``: create in a channel the ERP products it lacks.

``puente catalog import <tenant> [--channel CONN] [--skus A,B ...] [--dry-run]`` runs the same
engine as the catalog DAG's ``import_missing`` param (:mod:`puente.catalog_import`): one line per
ERP product (created, adopted, skipped and why, failed and why), a summary per channel, exit 1
when anything failed. Without ``--channel`` every channel of the tenant that can create products
is imported into.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def add_commands(catalog_commands: argparse._SubParsersAction) -> None:
    command = catalog_commands.add_parser("import", help="create in a channel the ERP products it lacks (once)")
    command.add_argument("tenant")
    command.add_argument("--channel", help="channel connection id (default: every channel that can create products)")
    command.add_argument("--skus", nargs="+", metavar="SKU",
                         help="only the products holding these SKUs (spaces or commas between them)")
    command.add_argument("--dry-run", action="store_true", help="say what would be created, create nothing")
    command.set_defaults(handler=import_products)


def _skus(values: list[str] | None) -> set[str] | None:
    if values is None:
        return None
    return {sku.strip() for value in values for sku in value.split(",") if sku.strip()}


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (a container without one)
        return "cli"


def import_products(args: argparse.Namespace) -> int:
    from puente.catalog_import import import_missing
    from puente.config.loader import load_tenants, tenant_paths
    from puente.connectors import registry

    loaded = load_tenants(tenant_paths(args.tenant))
    config = loaded.tenants.get(args.tenant)
    if config is None:
        problems = "; ".join(error.message().replace("\n", " ") for error in loaded.errors)
        print(f"tenant {args.tenant}: {problems or 'no such tenant file'}", file=sys.stderr)
        return 1
    skus = _skus(args.skus)
    if skus is not None and not skus:
        print("--skus names no SKU", file=sys.stderr)
        return 2
    channels = [args.channel] if args.channel else [c.conn_id for c in config.channels if registry.can_import(c)]
    if not channels:
        print(f"tenant {args.tenant}: no channel can create products", file=sys.stderr)
        return 1
    ok = True
    for channel in channels:
        try:
            report = import_missing(config, channel, skus, args.dry_run, _actor())
        except Exception as exc:  # a wrong channel, an unreadable ERP or channel: one line, never a traceback
            print(f"{args.tenant} -> {channel}: {type(exc).__name__}: {exc}", file=sys.stderr)
            ok = False
            continue
        for outcome in report.outcomes:
            print(outcome.line())
        print(report.summary(), file=sys.stderr)
        ok = ok and report.ok
    return 0 if ok else 1
