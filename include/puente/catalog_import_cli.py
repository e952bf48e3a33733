"""``puente catalog import``: create in a channel the ERP products it lacks."""

from __future__ import annotations

import argparse


def add_commands(catalog_commands: argparse._SubParsersAction) -> None:
    """Registers nothing yet: the import command lands with the import engine."""
