"""Real DAG runs of ``<tenant>__crm_sync`` against the Siigo and Escala sandboxes.

Three Bogotá days x 40 invoices: sellers linked (629), unlinked (630) and linked to someone Escala
does not know (631); customers that Escala already has (by cédula, by e-mail only, by phone only)
and new ones; invoice lines with product codes Escala knows and codes it does not. One invoice of
day 1 is made at 23:30 Bogotá (04:30 UTC of day 2). Scheduled days run through ``dag.test`` with
the logical date that the interval timetable maps to that day (see ``day_run``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from puente.hooks.siigo import clear_token_cache
from puente.state.crm_ledger import CrmLedger
from puente.state.store import StateStore
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

pytestmark = pytest.mark.integration

BOGOTA = ZoneInfo("America/Bogota")
DAYS = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
PER_DAY = 40
SELLERS = (629, 629, 630, 631)  # half linked, a quarter unlinked, a quarter linked to an unknown user
KNOWN_CODES = [f"SKU-{1000 + i}" for i in range(5)]  # products the Escala seed has
UNKNOWN_CODES = ["SIIGO-ONLY-1", "SIIGO-ONLY-2"]
TENANT = "it_crm"
FOUND_BY_EMAIL_OR_PHONE = {"70000001", "70000002"}  # cédulas of the customers Escala knows by e-mail / phone


def tenant_yaml(cedula_field: str, owner_email: str) -> str:
    return f"""
tenant: {TENANT}
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


@pytest.fixture
def sandboxes() -> Iterator[tuple[SandboxHandle, SandboxHandle]]:
    clear_token_cache()
    store = EscalaStore.generate(seed=7)
    server = ServerThread(create_app(store, rate_limits=None))
    escala = SandboxHandle(server.start(), "escala", headers={"x-api-key": DEFAULT_ESCALA_API_KEY}, store=store)
    with run_siigo_sandbox(siigo_company(store), rate_limits=None) as siigo:
        yield siigo, escala
    escala.close()
    server.stop()
    clear_token_cache()


@pytest.fixture
def crm_dag(tenant_from, sandboxes):
    siigo, escala = sandboxes
    owner = escala.store.users[next(iter(escala.store.users))]
    connections = {
        "it_siigo": {"conn_type": "siigo", "host": siigo.base_url, "login": DEFAULT_SIIGO_USER,
                     "password": DEFAULT_SIIGO_ACCESS_KEY,
                     "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID, "rate_limit_per_minute": 0}},
        "it_escala": {"conn_type": "escala", "host": escala.base_url + "/v1", "password": DEFAULT_ESCALA_API_KEY,
                      "extra": {"rate_limit_per_second": 0}},
    }
    dags = tenant_from(TENANT, tenant_yaml(escala.store.cedula_field, owner.email), connections)
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


def report() -> dict:
    return StateStore().latest_report(TENANT, "crm_sync")


def new_deals(escala: SandboxHandle, before: set[str]) -> list[dict]:
    return [deal for deal in escala.inspect_get("/_sandbox/deals") if deal["id"] not in before]


def test_three_days_then_reruns_create_nothing_twice_and_edits_update_the_value(crm_dag, sandboxes) -> None:
    dag, owner_id = crm_dag
    siigo, escala = sandboxes
    invoices = {i["id"]: i for i in siigo.inspect_get("/_sandbox/invoices")}
    deals_before = {d["id"] for d in escala.inspect_get("/_sandbox/deals")}
    contacts_before = len(escala.store.contacts)
    seeded_cedulas = {c.custom.get(escala.store.cedula_field) for c in escala.store.contacts.values()} - {None}
    linked = {i for i, inv in invoices.items() if inv["seller"] == 629}
    late = next(i for i, inv in invoices.items() if inv["metadata"]["created"].startswith("2026-03-03T04:30"))

    assert day_run(dag, DAYS[0]) == "success"
    ledger = {row["invoice_id"]: row for row in CrmLedger().rows(TENANT)}
    assert set(ledger) == {i for i, inv in invoices.items() if bogota_day(inv) == DAYS[0]}
    assert late in ledger and ledger[late]["status"] == "synced"  # 23:30 Bogotá belongs to day 1
    for day in DAYS[1:]:
        assert day_run(dag, day) == "success"

    ledger = {row["invoice_id"]: row for row in CrmLedger().rows(TENANT)}
    assert set(ledger) == set(invoices)
    assert {i for i, row in ledger.items() if row["status"] == "synced"} == linked
    skipped = Counter(row["category"] for row in ledger.values() if row["status"] == "skipped")
    assert skipped == {"unlinked_seller": 30, "unknown_owner": 30}

    deals = new_deals(escala, deals_before)
    assert len(deals) == len(linked) == 61
    by_name = {deal["name"]: deal for deal in deals}
    stage = next(s for s in escala.store.default_pipeline().stages if s.name == "Contactado")
    for invoice_id in linked:
        invoice = invoices[invoice_id]
        deal = by_name[f"Factura {invoice['name']}"]
        assert Decimal(str(deal["value"])) == Decimal(str(invoice["total"]))  # the total, not the products
        assert (deal["assignedTo"], deal["pipeline"]["stageId"]) == (owner_id, stage.id)
        assert deal["description"] == "Venta facturada en Siigo"
        codes = {item["code"] for item in invoice["items"] if item["code"] in KNOWN_CODES}
        assert {p["code"] for p in deal["products"]["items"]} == codes
        assert ledger[invoice_id]["deal_id"] == deal["id"]

    # contacts: one per Siigo customer of a synced invoice; those Escala already had are reused
    customers = {invoices[i]["customer"]["identification"] for i in linked}
    reused = customers & (seeded_cedulas | FOUND_BY_EMAIL_OR_PHONE)
    assert reused >= {"70000001", "70000002"} and len(reused) >= 3  # by cédula, by e-mail, by phone
    created_total = sum(r["counts"]["contacts_created"] for r in StateStore().reports(TENANT, "crm_sync"))
    assert created_total == len(customers) - len(reused) == len(escala.store.contacts) - contacts_before
    field = escala.store.cedula_field
    with_cedula = Counter(c["custom"].get(field) for c in escala.inspect_get("/_sandbox/contacts"))
    assert all(with_cedula[ident] == 1 for ident in customers)  # each customer is one contact, cédula set

    # the same three days again, as one on-demand range: nothing is created twice
    assert state(dag.test(run_conf={"start_date": DAYS[0].isoformat(), "end_date": DAYS[-1].isoformat()})) == "success"
    counts = report()["counts"]
    assert (counts["opportunities_created"], counts["contacts_created"], counts["opportunities_updated"]) == (0, 0, 0)
    assert (counts["already_synced"], counts["skipped"], counts["invoices"]) == (61, 60, 121)
    assert len(new_deals(escala, deals_before)) == 61

    # an invoice edited in Siigo: its day's re-run updates the opportunity's value, creates nothing
    edited_id = sorted(linked)[0]
    edited = invoices[edited_id]
    items = [{"code": edited["items"][0]["code"], "description": "Editada", "quantity": 7,
              "price": edited["items"][0]["price"], "taxes": [{"id": t["id"]} for t in edited["items"][0]["taxes"]]}]
    changed = siigo.inspect_post(f"/_sandbox/invoices/{edited_id}", {"items": items})
    assert changed["total"] != edited["total"]
    assert day_run(dag, bogota_day(edited)) == "success"
    assert report()["counts"]["opportunities_updated"] == 1
    deal = next(d for d in new_deals(escala, deals_before) if d["id"] == ledger[edited_id]["deal_id"])
    assert Decimal(str(deal["value"])) == Decimal(str(changed["total"]))
    assert len(new_deals(escala, deals_before)) == 61


def test_a_manual_range_covers_exactly_that_range(crm_dag, sandboxes) -> None:
    dag, _ = crm_dag
    siigo, _ = sandboxes
    invoices = siigo.inspect_get("/_sandbox/invoices")
    assert state(dag.test(run_conf={"start_date": DAYS[1].isoformat(), "end_date": DAYS[1].isoformat()})) == "success"
    ledger = {row["invoice_id"] for row in CrmLedger().rows(TENANT)}
    assert ledger == {i["id"] for i in invoices if bogota_day(i) == DAYS[1]}
    assert report()["details"]["window"] == ["2026-03-03T00:00:00-05:00", "2026-03-04T00:00:00-05:00"]
