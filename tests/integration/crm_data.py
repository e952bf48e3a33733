"""Shared data for the CRM real-DAG tests: the Siigo company, the tenant file, the sandboxes, helpers.

Three Bogotá days x 40 invoices: sellers linked (629), unlinked (630) and linked to someone Escala
does not know (631); customers that Escala already has (by cédula, by e-mail only, by phone only)
and new ones; invoice lines with product codes Escala knows and codes it does not. One invoice of
day 1 is made at 23:30 Bogotá (04:30 UTC of day 2). Used by test_crm_sync_dag.py (scheduled and
manual runs), test_crm_backfill.py and test_crm_faults.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from puente.state.store import StateStore
from puente.vendors.siigo.hook import clear_token_cache
from puente_sandbox.credentials import (
    DEFAULT_ESCALA_API_KEY,
    DEFAULT_SIIGO_ACCESS_KEY,
    DEFAULT_SIIGO_PARTNER_ID,
    DEFAULT_SIIGO_USER,
)
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.server import ServerThread
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox
from puente_sandbox.siigo.seed import _customer, bogota_instant, invoice_request

BOGOTA = ZoneInfo("America/Bogota")
DAYS = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
PER_DAY = 40
SELLERS = (629, 629, 630, 631)  # half linked, a quarter unlinked, a quarter linked to an unknown user
KNOWN_CODES = [f"SKU-{1000 + i}" for i in range(5)]  # products the Escala seed has
UNKNOWN_CODES = ["SIIGO-ONLY-1", "SIIGO-ONLY-2"]
TENANT = "it_crm"
FOUND_BY_EMAIL_OR_PHONE = {"70000001", "70000002"}  # cédulas of the customers Escala knows by e-mail / phone


def tenant_yaml(cedula_field: str, owner_email: str, tenant: str = TENANT) -> str:
    return f"""
tenant: {tenant}
name: Ventas Colombia SAS
country: CO
timezone: America/Bogota
currency: COP
erp: {{vendor: siigo, conn_id: it_siigo}}
crm: {{vendor: escala, conn_id: it_escala}}
flows:
  catalog_sync: {{enabled: false}}
  crm_sync:
    enabled: true
    retries: 0
    start_date: 2026-03-01
    cedula_field: {cedula_field}
    seller_owners: {{629: {owner_email}, 631: nadie@otra-empresa.co}}
    stage: Contactado
    description: Venta facturada en Siigo
"""


def existing_customers(rng: random.Random, escala: EscalaStore, created: datetime) -> list[dict]:
    """Siigo customers Escala already knows: one by cédula, one by e-mail only, one by phone only."""
    field = escala.cedula_field
    contacts = list(escala.contacts.values())
    by_cedula = next(c for c in contacts if c.custom.get(field) and c.personal.get("email"))
    by_email = next(c for c in contacts if not c.custom.get(field) and c.personal.get("email")
                    and not c.personal.get("phoneNumber"))
    by_phone = next(c for c in contacts if not c.custom.get(field) and not c.personal.get("email"))
    made = []
    for index, (contact, ident) in enumerate(((by_cedula, by_cedula.custom[field]), (by_email, "70000001"),
                                              (by_phone, "70000002"))):
        customer = _customer(rng, created + timedelta(minutes=index), company=False)
        email = contact.personal["email"] if contact is by_email else f"cliente{index}@nuevo-dominio.co"
        phone = "".join(ch for ch in (contact.personal.get("phoneNumber") or "") if ch.isdigit())[-10:]
        customer.update(identification=str(ident), contacts=[{**customer["contacts"][0], "email": email}])
        customer["phones"] = [{"indicative": "57", "number": phone, "extension": ""}] if contact is by_phone else []
        made.append(customer)
    return made


def siigo_company(escala: EscalaStore):
    rng = random.Random(5)
    data = generate_siigo_data(seed=5, n_invoices=0, n_customers=12, product_codes=KNOWN_CODES + UNKNOWN_CODES)
    data.customers += existing_customers(rng, escala, bogota_instant(DAYS[0] - timedelta(days=60), 9, 0))
    billable = [c for c in data.customers if c["active"] and c["contacts"]]
    products = [p for p in data.products if p["code"] in KNOWN_CODES + UNKNOWN_CODES]
    for day in DAYS:
        for index in range(PER_DAY):
            payload = invoice_request(rng, day, products, billable)
            payload["seller"] = SELLERS[index % len(SELLERS)]
            created = bogota_instant(day, 8 + index // 4, (index * 7) % 60)
            data.invoice_requests.append((payload, created))
    late = invoice_request(rng, DAYS[0], products, billable) | {"seller": 629}
    data.invoice_requests.append((late, bogota_instant(DAYS[0], 23, 30)))  # 04:30 UTC of day 2
    data.invoice_requests.sort(key=lambda pair: pair[1])
    return data


@contextmanager
def crm_sandboxes(escala_app=create_app) -> Iterator[tuple[SandboxHandle, SandboxHandle]]:
    """Siigo (the company above) and Escala (its seed) on loopback, unthrottled."""
    clear_token_cache()
    store = EscalaStore.generate(seed=7)
    server = ServerThread(escala_app(store, rate_limits=None))
    escala = SandboxHandle(server.start(), "escala", headers={"x-api-key": DEFAULT_ESCALA_API_KEY}, store=store)
    try:
        with run_siigo_sandbox(siigo_company(store), rate_limits=None) as siigo:
            yield siigo, escala
    finally:
        escala.close()
        server.stop()
        clear_token_cache()


def crm_tenant(tenant_from, sandboxes, tenant: str = TENANT, escala_extra: dict | None = None):
    """The tenant's crm_sync DAG wired to the sandboxes, and the Escala user that seller 629 maps to."""
    siigo, escala = sandboxes
    owner = escala.store.users[next(iter(escala.store.users))]
    connections = {
        "it_siigo": {"conn_type": "siigo", "host": siigo.base_url, "login": DEFAULT_SIIGO_USER,
                     "password": DEFAULT_SIIGO_ACCESS_KEY,
                     "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID, "rate_limit_per_minute": 0}},
        "it_escala": {"conn_type": "escala", "host": escala.base_url + "/v1", "password": DEFAULT_ESCALA_API_KEY,
                      "extra": {"rate_limit_per_second": 0, **(escala_extra or {})}},
    }
    dags = tenant_from(tenant, tenant_yaml(escala.store.cedula_field, owner.email, tenant), connections)
    return dags["crm_sync"], owner.id


def state(run) -> str:
    return str(getattr(run.state, "value", run.state))


def day_run(dag, day: date) -> str:
    """The run for Bogotá ``day``: CronDataIntervalTimetable.infer_manual_data_interval (used by
    dag.test) maps a logical date at the end of the day to the interval [day, day + 1)."""
    return state(dag.test(logical_date=datetime.combine(day + timedelta(days=1), time.min, tzinfo=BOGOTA)))


def bogota_day(invoice: dict) -> date:
    created = datetime.fromisoformat(invoice["metadata"]["created"].replace("Z", "+00:00"))
    return created.astimezone(BOGOTA).date()


def report(tenant: str = TENANT) -> dict:
    return StateStore().latest_report(tenant, "crm_sync")


def new_deals(escala: SandboxHandle, before: set[str]) -> list[dict]:
    return [deal for deal in escala.inspect_get("/_sandbox/deals") if deal["id"] not in before]
