"""Invoicing sandboxes for bench/invoicing.py, in their own process (usage: ``_invoicing_sandboxes.py SPEC_JSON``).

A separate process keeps the servers off the measured process's GIL and out of its CPU time, as
real vendors would be. ``SPEC_JSON`` is ``{"n_orders", "n_products", "bsale_budgets"}``; the
Jumpseller app enforces the documented 20 req/s and 800 req/min (the sandbox's
``DEFAULT_RATE_LIMITS``), the Bsale app enforces ``bsale_budgets``. Latency is switched on later,
over HTTP (``/_sandbox/faults``), after the catalog sync has linked the SKUs. Prints one JSON
line (URLs, ids, the order scenario's categories), then serves until stdin closes.
"""

from __future__ import annotations

import json
import sys

from puente_sandbox import jumpseller
from puente_sandbox.stack import start_invoicing_sandboxes

CATEGORIES = ("paid", "pending_payment", "canceled", "abandoned", "plain", "invoiceable", "zero_value",
              "partial_zero", "unlinked_sku", "serial", "no_stock")


def main(spec: dict) -> None:
    budgets = [tuple(b) for b in spec["bsale_budgets"]] or None
    with start_invoicing_sandboxes(n_orders=spec["n_orders"], n_products=spec["n_products"], with_facto=False,
                                   jumpseller_rate_limits=jumpseller.DEFAULT_RATE_LIMITS,
                                   bsale_rate_limits=budgets) as boxes:
        orders, catalog = boxes.orders, boxes.scenario
        print(json.dumps({
            "urls": {"bsale": boxes.bsale.base_url, "jumpseller": boxes.jumpseller.base_url},
            "office_id": catalog.sync_office_id,
            "price_list_id": catalog.sync_price_list_id,
            "start": orders.start.isoformat(), "days": orders.days,
            "categories": {name: len(getattr(orders, name)) for name in CATEGORIES},
            "jumpseller_rate_limits": [list(b) for b in jumpseller.DEFAULT_RATE_LIMITS],
        }), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
