"""Escala misbehaving under the real ``<tenant>__crm_sync`` DAG: a lost deal-create answer, an outage.

The Escala sandbox gets a middleware that acts on ``POST /v1/crm/deals`` only: ``lose`` makes the
next create succeed in the store while the client gets a 504 (the answer is lost), ``down`` answers
503 without creating anything (Escala is down for writes). Day 1 of crm_data's company has 41
invoices, 21 by the linked seller.
"""

from __future__ import annotations

from collections import Counter

import pytest
from crm_data import DAYS, crm_sandboxes, crm_tenant, day_run, new_deals, report
from fastapi.responses import JSONResponse

from puente.state.crm_ledger import CrmLedger
from puente_sandbox.escala import create_app

pytestmark = pytest.mark.integration

TENANT = "it_crm_faults"
LINKED_ON_DAY_1 = 21


def faulty_escala(mode: dict):
    def build(store, rate_limits=None):
        app = create_app(store, rate_limits=rate_limits)

        @app.middleware("http")
        async def deal_faults(request, call_next):
            is_create = request.method == "POST" and request.url.path.rstrip("/").endswith("/v1/crm/deals")
            if is_create and mode.get("down"):
                return JSONResponse({"message": "Service Unavailable"}, status_code=503)
            response = await call_next(request)
            if is_create and mode.get("lose") and response.status_code < 300:
                mode["lose"] -= 1
                return JSONResponse({"message": "Gateway Timeout"}, status_code=504)
            return response

        return app

    return build


@pytest.fixture
def escala_mode() -> dict:
    return {}


@pytest.fixture
def sandboxes(escala_mode):
    with crm_sandboxes(faulty_escala(escala_mode)) as pair:
        yield pair


@pytest.fixture
def crm_dag(tenant_from, sandboxes):
    dag, _ = crm_tenant(tenant_from, sandboxes, TENANT)
    return dag


def deals_per_invoice(siigo, escala, before: set[str]) -> Counter:
    names = Counter(d["name"] for d in new_deals(escala, before))
    day_one = [i for i in siigo.inspect_get("/_sandbox/invoices") if i["seller"] == 629]
    return Counter(names.get(f"Factura {i['name']}", 0) for i in day_one if i["name"] in
                   {row["invoice_name"] for row in CrmLedger().rows(TENANT)})


def test_a_lost_deal_create_answer_is_found_again_not_duplicated(crm_dag, sandboxes, escala_mode) -> None:
    siigo, escala = sandboxes
    before = {d["id"] for d in escala.inspect_get("/_sandbox/deals")}
    escala_mode["lose"] = 1
    assert day_run(crm_dag, DAYS[0]) == "failed"  # the invoice is recorded as failed, the run says so
    counts = report(TENANT)["counts"]
    assert (counts["failed"], counts["opportunities_created"]) == (1, LINKED_ON_DAY_1 - 1)
    assert len(new_deals(escala, before)) == LINKED_ON_DAY_1  # the lost one did reach Escala

    assert day_run(crm_dag, DAYS[0]) == "success"
    counts = report(TENANT)["counts"]
    assert (counts["opportunities_found"], counts["opportunities_created"]) == (1, 0)
    assert deals_per_invoice(siigo, escala, before) == {1: LINKED_ON_DAY_1}
    assert len(new_deals(escala, before)) == LINKED_ON_DAY_1


def test_an_outage_fails_the_run_and_the_next_run_completes(crm_dag, sandboxes, escala_mode) -> None:
    siigo, escala = sandboxes
    before = {d["id"] for d in escala.inspect_get("/_sandbox/deals")}
    escala_mode["down"] = True
    assert day_run(crm_dag, DAYS[0]) == "failed"
    failed = report(TENANT)
    assert failed["status"] == "failed" and "transient failures in a row" in failed["details"]["error"]
    assert failed["counts"]["failed"] == 3 and not new_deals(escala, before)  # stopped after 3, not 21

    escala_mode["down"] = False
    assert day_run(crm_dag, DAYS[0]) == "success"
    assert report(TENANT)["counts"]["opportunities_created"] == LINKED_ON_DAY_1
    assert deals_per_invoice(siigo, escala, before) == {1: LINKED_ON_DAY_1}
    synced = [r for r in CrmLedger().rows(TENANT) if r["status"] == "synced"]
    assert len(synced) == LINKED_ON_DAY_1
