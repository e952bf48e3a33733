"""Siigo <- Astroselling on real DAG runs (``dag.test()``) against both sandboxes on loopback.

Expectations are computed here from the sandboxes' own records with the article's rules, not
from the code under test: which Astroselling orders the options make eligible (statuses,
fulfillment), and what each must become (an invoice, or an error with the article's reason:
DIAN and zero-price lines, SKU not in Siigo, buyer without document).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from chaos import dying_sinks, run_through_faults
from dag_runs import run

from puente.state.ledger import InvoiceLedger
from puente.state.store import StateStore
from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data, run_astroselling_sandbox
from puente_sandbox.credentials import (
    DEFAULT_ASTROSELLING_TOKEN,
    DEFAULT_SIIGO_ACCESS_KEY,
    DEFAULT_SIIGO_PARTNER_ID,
    DEFAULT_SIIGO_USER,
)
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox
from puente_sandbox.siigo.vendor import DEFAULT_RATE_LIMITS

pytestmark = pytest.mark.integration

START, DAYS = date(2024, 5, 1), 30
WINDOW = {"date_from": START.isoformat(), "date_to": (START + timedelta(days=DAYS - 1)).isoformat()}
STATUSES = ("completed", "shipped")
TENANT = """
tenant: {tenant}
name: Medellín Hogar (test)
country: CO
timezone: America/Bogota
currency: COP
erp: {{vendor: siigo, conn_id: {tenant}_siigo, seller_id: 629, document_type_id: 24446, payment_type_id: 5637,
       warehouse_id: 1270, products_warehouse_id: 1270, send_to_dian: {dian}, {extra}}}
channels:
  - {{vendor: astroselling, conn_id: {tenant}_astro, order_statuses: [completed, shipped]}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: {retries}, retry_delay_seconds: 0, chunk_size: 25, claim_lease_minutes: 0}}
"""


@contextmanager
def sandboxes(n_orders: int = 100, siigo_limits=None) -> Iterator[tuple]:
    """A Siigo company and an Astroselling account selling its SKUs; the article's edge orders made
    eligible (the zero-price, unknown-SKU and no-document orders get a status the tenant invoices)."""
    astro_data = generate_astroselling_data(7, n_products=30, n_orders=n_orders, start=START, days=DAYS)
    for order, status in zip(astro_data.orders[2:5], ("completed", "shipped", "completed"), strict=True):
        order["status"] = status
    with run_siigo_sandbox(generate_siigo_data(n_products=30), rate_limits=siigo_limits) as siigo, \
            run_astroselling_sandbox(astro_data, rate_limits=None) as astro:  # fmt: skip
        yield siigo, astro


def tenant_dags(tenant_from, tenant: str, siigo, astro, *, dian: bool, extra: str = "", retries: int = 0,
                siigo_budget: bool = False) -> dict:
    siigo_extra = {"partner_id": DEFAULT_SIIGO_PARTNER_ID} | ({} if siigo_budget else {"rate_limit_per_minute": 0})
    text = TENANT.format(tenant=tenant, dian=str(dian).lower(), extra=extra, retries=retries)
    return tenant_from(tenant, text, {
        f"{tenant}_siigo": {"conn_type": "siigo", "host": siigo.base_url, "login": DEFAULT_SIIGO_USER,
                            "password": DEFAULT_SIIGO_ACCESS_KEY, "extra": siigo_extra},
        f"{tenant}_astro": {"conn_type": "astroselling", "host": astro.url(API_PREFIX),
                            "password": DEFAULT_ASTROSELLING_TOKEN, "extra": {"rate_limit_per_minute": 0}},
    })  # fmt: skip


def expected(astro, siigo, *, dian: bool, generic: bool = False, default_document: bool = False) -> dict[str, str]:
    """order id -> "invoiced" | "skipped" | error category, per the article, for eligible orders only."""
    codes = {p["code"] for p in siigo.store.products if p["active"]}
    outcomes = {}
    for order in astro.inspect_get("/_sandbox/orders"):
        if order["status"] not in STATUSES or order["fulfillment"]:
            continue  # "Estado de las órdenes" and "Facturar órdenes de fulfillment" (off)
        paid = [item for item in order["items"] if item["quantity"] * item["price"] > 0]
        if not paid:
            outcomes[order["id"]] = "skipped"
        elif dian and len(paid) < len(order["items"]):
            outcomes[order["id"]] = "zero_price"
        elif not generic and any(item["sku"] not in codes for item in paid):
            outcomes[order["id"]] = "unlinked_sku"
        elif not order["buyer"].get("document_number") and not default_document:
            outcomes[order["id"]] = "client_incomplete"
        else:
            outcomes[order["id"]] = "invoiced"
    return outcomes


def ledger_outcomes(tenant: str, channel: str | None = None) -> dict[str, str]:
    rows = InvoiceLedger(StateStore()).rows(tenant, channel)
    return {row["order_id"]: row["category"] if row["status"] == "error" else row["status"] for row in rows}


def invoices_per_order(siigo) -> Counter:
    """How many Siigo invoices cite each order (from the sandbox's own records)."""
    found = Counter()
    for invoice in siigo.inspect_get("/_sandbox/invoices", origin="api"):
        found[re.match(r"Pedido (\S+) ", invoice["observations"]).group(1)] += 1
    return found


def invoiced(outcomes: dict[str, str]) -> set[str]:
    return {order_id for order_id, outcome in outcomes.items() if outcome == "invoiced"}


def test_catalog_sync_converges_siigo_to_every_astroselling_channel(tenant_from):
    with sandboxes(n_orders=10) as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_catalog", siigo, astro, dian=False)
        assert run(dags["catalog_sync"]) == "success"
        stock = {p["code"]: next(w["quantity"] for w in p["warehouses"] if w["id"] == 1270)
                 for p in siigo.store.products if p["active"] and p["stock_control"]}  # fmt: skip
        price = {p["code"]: round(p["prices"][0]["price_list"][0]["value"] * (1 + p["taxes"][0]["percentage"] / 100))
                 for p in siigo.store.products}  # fmt: skip
        shown = [p for products in astro.inspect_get("/_sandbox/products").values() for p in products]
        assert len(shown) > 100  # 4 channels
        assert all(p["stock"] == stock[p["sku"]] and p["price"] == price[p["sku"]] for p in shown)

        writes = len(astro.writes())
        assert run(dags["catalog_sync"]) == "success"
        assert len(astro.writes()) == writes  # run 2 pushes nothing
        report = StateStore().latest_report("co_catalog", "catalog_sync")
        assert (report["counts"]["pushed_stock"], report["counts"]["pushed_price"]) == (0, 0)


def test_100_mixed_orders_give_exactly_the_expected_invoices_and_errors(tenant_from):
    with sandboxes() as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_mixed", siigo, astro, dian=True)
        assert run(dags["catalog_sync"]) == "success"
        assert run(dags["invoicing"], **WINDOW) == "failed"  # needs_attention: orders in error
        wanted = expected(astro, siigo, dian=True)
        assert set(Counter(wanted.values())) >= {"invoiced", "zero_price", "unlinked_sku", "client_incomplete"}
        assert ledger_outcomes("co_mixed") == wanted  # ineligible statuses and fulfillment never enter
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(wanted) and set(per_order.values()) == {1}
        stored = siigo.inspect_get("/_sandbox/invoices", origin="api")
        assert {i["date"] for i in stored} == {siigo.store.today().isoformat()}  # orders are from 2024
        assert all(i["stamp"]["status"] == "Accepted" for i in stored)
        attached = {o["id"]: o["invoice"]["invoice_number"] for o in astro.inspect_get("/_sandbox/orders")
                    if o["invoiced"]}  # fmt: skip
        assert set(attached) == invoiced(wanted) and all(n.startswith("FV-1-") for n in attached.values())

        # the merchant turns on the generic SKU and a default document, then retries the errors
        extra = "use_generic_sku: true, generic_sku: SKU-0030, default_document: '222222222222'"
        dags = tenant_dags(tenant_from, "co_mixed", siigo, astro, dian=True, extra=extra)
        assert run(dags["invoicing"], retry_errors=True, **WINDOW) == "failed"  # needs_attention: orders in error
        fixed = expected(astro, siigo, dian=True, generic=True, default_document=True)
        assert ledger_outcomes("co_mixed") == fixed and Counter(fixed.values())["zero_price"] >= 1
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(fixed) and set(per_order.values()) == {1}


def test_without_dian_zero_price_lines_are_dropped(tenant_from):
    with sandboxes(n_orders=20) as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_nodian", siigo, astro, dian=False)
        assert run(dags["catalog_sync"]) == "success"
        assert run(dags["invoicing"], **WINDOW) == "failed"  # needs_attention: orders in error
        wanted = expected(astro, siigo, dian=False)
        assert ledger_outcomes("co_nodian") == wanted
        gift_order = astro.inspect_get("/_sandbox/orders")[2]
        assert wanted[gift_order["id"]] == "invoiced"
        invoice = next(i for i in siigo.inspect_get("/_sandbox/invoices", origin="api")
                       if f"Pedido {gift_order['id']} " in i["observations"])  # fmt: skip
        assert len(invoice["items"]) == len(gift_order["items"]) - 1 and invoice["stamp"]["status"] == "Draft"


def expire_tokens_after(monkeypatch, siigo, creates: int) -> dict:
    """Siigo's 24 h token runs out mid-run: after ``creates`` invoices every live token is revoked."""
    from puente.connectors import registry

    state = {"creates": 0, "expired": 0}
    lock = threading.Lock()
    real = registry.invoice_sink

    def sink(settings):
        wrapped = real(settings)
        create = wrapped.create

        def create_then_expire(draft):
            record = create(draft)
            with lock:
                state["creates"] += 1
                if state["creates"] == creates:
                    state["expired"] = siigo.inspect_post("/_sandbox/tokens/expire")["expired"]
            return record

        wrapped.create = create_then_expire
        return wrapped

    monkeypatch.setattr(registry, "invoice_sink", sink)
    return state


def test_token_expiry_mid_run_does_not_fail_the_run(tenant_from, monkeypatch):
    with sandboxes(n_orders=30) as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_token", siigo, astro, dian=False)
        assert run(dags["catalog_sync"]) == "success"
        state = expire_tokens_after(monkeypatch, siigo, creates=5)
        siigo.reset_counters()
        assert run(dags["invoicing"], **WINDOW) == "failed"  # needs_attention: orders in error
        assert state["expired"] >= 1
        counters = siigo.counters()
        assert counters["by_status"].get("401", 0) >= 1 and counters["by_route"]["POST /auth"] >= 1
        wanted = expected(astro, siigo, dian=False)
        assert ledger_outcomes("co_token") == wanted
        assert set(invoices_per_order(siigo)) == invoiced(wanted)


def test_siigo_budget_of_100_a_minute_is_never_exceeded_and_429s_are_retried(tenant_from):
    """More than 100 Siigo calls in one run, at Siigo's real budget, with injected 429s: the hooks'
    limiter keeps every 60 s window at <= 100 and the sandbox never has to refuse one on its own."""
    with sandboxes(n_orders=70, siigo_limits=DEFAULT_RATE_LIMITS) as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_budget", siigo, astro, dian=False, siigo_budget=True, retries=1)
        siigo.set_faults(rate_429=0.08, seed=5)
        assert run(dags["catalog_sync"]) == "success"
        assert run(dags["invoicing"], **WINDOW) == "failed"  # needs_attention: orders in error
        counters = siigo.counters()
        assert counters["total_requests"] > 100
        assert counters["max_requests_in_60s"] <= 100
        assert counters["faults_injected"]["429"] > 0 and counters["rate_limited"] == 0
        wanted = expected(astro, siigo, dian=False)
        assert ledger_outcomes("co_budget") == wanted
        assert set(invoices_per_order(siigo)) == invoiced(wanted)


def test_exactly_one_siigo_invoice_per_order_under_chaos(tenant_from, monkeypatch):
    """5xx, lost responses (committed, answer lost), 429s, and a worker killed right after Siigo
    committed an invoice: after the run and one re-run, exactly one invoice per invoiceable order."""
    with sandboxes() as (siigo, astro):
        dags = tenant_dags(tenant_from, "co_chaos", siigo, astro, dian=True, retries=3)
        assert run(dags["catalog_sync"]) == "success"
        kill = dying_sinks(monkeypatch)
        faults = {"rate_5xx": 0.10, "lost_response_rate": 0.05, "rate_429": 0.05, "seed": 11}
        run_through_faults(dags["invoicing"], WINDOW, faults, siigo, astro)
        assert run(dags["invoicing"], **WINDOW) == "success"

        assert kill["killed"], "the simulated kill must have happened"
        injected = siigo.counters()["faults_injected"]
        assert injected["5xx"] > 0 and injected["lost_response"] > 0 and injected["429"] > 0
        wanted = expected(astro, siigo, dian=True)
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(wanted)  # none lost, none extra
        assert set(per_order.values()) == {1}  # no duplicates
        assert ledger_outcomes("co_chaos") == wanted
