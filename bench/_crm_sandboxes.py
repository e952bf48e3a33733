"""Siigo + Escala sandboxes for bench/crm_backfill.py, in their own process (usage: ``_crm_sandboxes.py SPEC_JSON``).

``SPEC_JSON`` is ``{"days", "per_day", "first_day", "customers"}``. The Siigo company holds
``per_day`` invoices on each Bogotá day from ``first_day`` (made 08:00-19:59 Bogotá, all by seller
629, which the tenant links to an Escala user, over ``customers`` customers and the Escala seed's
product codes). Siigo enforces its documented 100 requests/min (``DEFAULT_RATE_LIMITS``, 429s);
Escala publishes no limit and runs unthrottled. Prints one JSON line (URLs, the cédula field, the
owner's e-mail, and per day the invoice count and distinct customers, for the budget bound), then
serves until stdin closes.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta

from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.server import ServerThread
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox
from puente_sandbox.siigo.seed import bogota_instant, invoice_request
from puente_sandbox.siigo.vendor import DEFAULT_RATE_LIMITS

CODES = [f"SKU-{1000 + i}" for i in range(10)] + ["SIIGO-ONLY-1", "SIIGO-ONLY-2"]


def company(spec: dict):
    rng = random.Random(11)
    first = date.fromisoformat(spec["first_day"])
    data = generate_siigo_data(seed=11, n_invoices=0, n_customers=spec["customers"], n_products=len(CODES),
                               product_codes=CODES)
    billable = [c for c in data.customers if c["active"] and c["contacts"]]
    per_day = []
    for offset in range(spec["days"]):
        day = first + timedelta(days=offset)
        customers = set()
        for index in range(spec["per_day"]):
            payload = invoice_request(rng, day, data.products, billable) | {"seller": 629}
            seconds = index * (12 * 3600 // spec["per_day"])  # spread over 08:00-19:59
            created = bogota_instant(day, 8 + seconds // 3600, (seconds // 60) % 60)
            data.invoice_requests.append((payload, created))
            customers.add((payload["customer"]["identification"], payload["customer"]["branch_office"]))
        per_day.append({"day": day.isoformat(), "invoices": spec["per_day"], "customers": len(customers)})
    return data, per_day


def main(spec: dict) -> None:
    store = EscalaStore.generate(seed=7)
    owner = store.users[next(iter(store.users))]
    escala = ServerThread(create_app(store, api_key=DEFAULT_ESCALA_API_KEY, rate_limits=None))
    data, per_day = company(spec)
    with run_siigo_sandbox(data, rate_limits=DEFAULT_RATE_LIMITS) as siigo:
        print(json.dumps({
            "urls": {"siigo": siigo.base_url, "escala": escala.start()},
            "cedula_field": store.cedula_field, "owner_email": owner.email, "owner_id": owner.id,
            "per_day": per_day, "siigo_rate_limits": [list(b) for b in DEFAULT_RATE_LIMITS],
        }), flush=True)
        try:
            sys.stdin.read()
        finally:
            escala.stop()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
