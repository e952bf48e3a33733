"""Vendor sandboxes for the end-to-end sync benchmark (usage: ``_sandboxes.py N_SKUS bsale|jumpseller``).

One process per vendor, off the measured process's GIL and off each other's, as real vendors
would be: the sync reads Bsale and Jumpseller at the same time, and two servers sharing one GIL
would slow each other down in a way no real pair of vendors does. Both processes generate the
same scenario (same seed), so their SKUs line up. Bsale runs with no limit (Bsale publishes
none); Jumpseller runs two apps over the *same* store object: one unthrottled, used only to
bring the store in step (a first sync writes ~13k listings, which would take 16 minutes at
800/min), and one with the documented 20 req/s and 800 req/min budgets, used for the measured
sync. Prints one JSON line (URLs, ids, linked SKUs), then serves until stdin closes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from puente_sandbox import bsale, jumpseller
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.server import ServerThread

VENDORS = ("bsale", "jumpseller")


def _apps(vendor: str, scenario: CatalogScenario) -> dict[str, Any]:
    if vendor == "bsale":
        return {"bsale": bsale.create_app(bsale.BsaleStore.from_scenario(scenario), rate_limits=None)}
    js_store = jumpseller.JumpsellerStore.from_scenario(scenario)
    return {
        "jumpseller_unthrottled": jumpseller.create_app(js_store, rate_limits=None),
        "jumpseller": jumpseller.create_app(js_store, rate_limits=jumpseller.DEFAULT_RATE_LIMITS),
    }


def main(n_skus: int, vendor: str) -> None:
    if vendor not in VENDORS:
        raise SystemExit(f"vendor must be one of {VENDORS}, not {vendor!r}")
    scenario = CatalogScenario.generate(n_skus=n_skus, seed=7)
    servers = {name: ServerThread(app) for name, app in _apps(vendor, scenario).items()}
    urls = {name: server.start() for name, server in servers.items()}
    unsupported = set(scenario.pack_skus + scenario.serial_skus + scenario.inactive_skus)
    linked = set(scenario.shared_skus) - unsupported
    print(json.dumps({
        "urls": urls,
        "office_id": scenario.sync_office_id,
        "price_list_id": scenario.sync_price_list_id,
        "linked_skus": [sku for sku in scenario.shared_skus if sku in linked],
        "jumpseller_rate_limits": [list(b) for b in jumpseller.DEFAULT_RATE_LIMITS],
    }), flush=True)
    try:
        sys.stdin.read()
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
