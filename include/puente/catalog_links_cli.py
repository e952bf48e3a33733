"""``puente catalog links | link | unlink``: the synced-products list and manual links."""

from __future__ import annotations

import argparse


def add_commands(catalog_commands: argparse._SubParsersAction) -> None:
    """Registers nothing yet: the link commands land with the manual links."""
