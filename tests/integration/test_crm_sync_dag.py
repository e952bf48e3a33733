"""Real DAG runs of ``<tenant>__crm_sync`` against the Siigo and Escala sandboxes.

The data (three Bogotá days x 40 invoices, sellers linked, unlinked and unknown, customers Escala
knows and new ones, known and unknown product codes, one invoice at 23:30 Bogotá) is built in
``crm_data.py``. Scheduled days run through ``dag.test`` with the logical date that the interval
timetable maps to that day (see ``crm_data.day_run``).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from crm_data import (
    DAYS,
    FOUND_BY_EMAIL_OR_PHONE,
    KNOWN_CODES,
    TENANT,
    bogota_day,
    crm_sandboxes,
    crm_tenant,
    day_run,
    new_deals,
    report,
    state,
)

from puente.state.crm_ledger import CrmLedger
from puente.state.store import StateStore

pytestmark = pytest.mark.integration


@pytest.fixture
def sandboxes():
    with crm_sandboxes() as pair:
        yield pair


@pytest.fixture
def crm_dag(tenant_from, sandboxes):
    return crm_tenant(tenant_from, sandboxes)


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
