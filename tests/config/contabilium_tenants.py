"""Contabilium tenant files for the config tests: one account, its Jumpseller stores, any extra lines."""

from __future__ import annotations

from pathlib import Path

CONTABILIUM = """
tenant: {name}
name: Tienda {name}
country: AR
timezone: America/Argentina/Buenos_Aires
currency: ARS
erp: {{vendor: contabilium, conn_id: {account}}}
channels:
{channels}
flows: {{invoicing: {{enabled: true}}}}
"""


def write(directory: Path, name: str, account: str, *stores: str, extra: str = "") -> Path:
    channels = "\n".join(f"  - {{vendor: jumpseller, conn_id: {store}}}" for store in stores)
    path = directory / f"{name}.yaml"
    path.write_text(CONTABILIUM.format(name=name, account=account, channels=channels) + extra + "\n")
    return path
