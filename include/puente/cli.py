"""``puente`` command line: validate tenant files, load Airflow settings, run the demo, read the ledger."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args: argparse.Namespace) -> int:
    from puente.config.loader import load_tenants, tenant_files

    directory = Path(args.dir) if args.dir else None
    paths = [Path(p) for p in args.files] if args.files else tenant_files(directory)
    result = load_tenants(paths)
    for tenant, path in sorted(result.paths.items()):
        print(f"ok    {path.name} ({tenant})")
    for error in result.errors:
        for field_error in error.errors:
            print(f"ERROR {error.path}: {field_error.field}: {field_error.reason}", file=sys.stderr)
    print(f"{len(result.tenants)} valid, {len(result.errors)} invalid tenant file(s)")
    return 1 if result.errors or not paths else 0


def _load_settings(args: argparse.Namespace) -> int:
    from puente.airflow_settings import load_into_airflow

    counts = load_into_airflow(Path(args.file))
    print("loaded " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + f" from {args.file}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from puente.demo import run_demo

    return run_demo(report_path=Path(args.report), settings_path=Path(args.settings))


def _sandboxes(args: argparse.Namespace) -> int:
    from puente.demo_sandboxes import serve_until_stopped

    return serve_until_stopped(Path(args.settings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="puente", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="validate tenant files (exit 1 on any error)")
    validate.add_argument("files", nargs="*", help="tenant files (default: every file in the tenants dir)")
    validate.add_argument("--dir", help="tenants directory (default: include/tenants or $PUENTE_TENANTS_DIR)")
    validate.set_defaults(handler=_validate)

    settings = commands.add_parser("settings", help="Airflow settings (connections, pools, variables)")
    settings_commands = settings.add_subparsers(dest="settings_command", required=True)
    load = settings_commands.add_parser("load", help="load an Astronomer-format airflow_settings.yaml")
    load.add_argument("file", nargs="?", default="airflow_settings.yaml")
    load.set_defaults(handler=_load_settings)

    demo = commands.add_parser("demo", help="run every demo tenant's DAGs against the sandboxes")
    demo.add_argument("--report", default="demo-report.json")
    demo.add_argument("--settings", default="airflow_settings.yaml")
    demo.set_defaults(handler=_demo)

    sandboxes = commands.add_parser(
        "sandboxes", help="serve the sandbox of every loopback connection of a settings file until Ctrl-C")
    sandboxes.add_argument("--settings", default="airflow_settings.yaml")
    sandboxes.set_defaults(handler=_sandboxes)

    from puente import catalog_cli, orders_cli, vendors_cli, webhooks_cli

    catalog_cli.add_commands(commands)
    orders_cli.add_commands(commands)
    vendors_cli.add_commands(commands)
    webhooks_cli.add_commands(commands)

    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
