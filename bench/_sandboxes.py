"""Vendor sandboxes for the end-to-end sync benchmark, in their own process (usage: ``_sandboxes.py N_SKUS``).

A separate process keeps the servers off the measured process's GIL, as real vendors would be.
Three loopback servers share one scenario: Bsale (no limit: Bsale publishes none), and two
Jumpseller apps over the *same* store object: one unthrottled, used only to bring the store in
step (a first sync writes ~10k listings, which would take 13 minutes at 800/min), and one with
the documented 20 req/s and 800 req/min budgets, used for the measured sync. Prints one JSON
line (URLs, ids, linked SKUs), then serves until stdin closes.
"""

from __future__ import annotations

import json
import sys

from puente_sandbox import bsale, jumpseller
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.server import ServerThread


def main(n_skus: int) -> None:
    scenario = CatalogScenario.generate(n_skus=n_skus, seed=7)
    js_store = jumpseller.JumpsellerStore.from_scenario(scenario)
    apps = {
        "bsale": bsale.create_app(bsale.BsaleStore.from_scenario(scenario), rate_limits=None),
        "jumpseller_unthrottled": jumpseller.create_app(js_store, rate_limits=None),
        "jumpseller": jumpseller.create_app(js_store, rate_limits=jumpseller.DEFAULT_RATE_LIMITS),
    }
    servers = {name: ServerThread(app) for name, app in apps.items()}
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
    main(int(sys.argv[1]))
