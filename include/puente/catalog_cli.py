"""``puente catalog``: the article's "Sincroniza manualmente tus productos" from the command line.

One group, one module per job: ``catalog_links_cli`` (the synced-products list, manual link and
unlink) and ``catalog_import_cli`` (create in a channel the ERP products it lacks). The same engine
functions serve the DAGs and, next, the operations console.
"""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction) -> None:
    from puente import catalog_import_cli, catalog_links_cli

    catalog = commands.add_parser("catalog", help="the product catalog: links between ERP and channels, import")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True)
    catalog_links_cli.add_commands(catalog_commands)
    catalog_import_cli.add_commands(catalog_commands)
