"""Contabilium at its real budget (30 requests per 10 s) on real DAG runs.

Why a test of its own: every other Contabilium test turns the hook's budget and the sandbox's limit
off, to keep 100-order runs short, so nothing else shows that the shipped budget holds. Here both
are as shipped: the sandbox refuses a 31st request in any 10 s with a 429, and its own arrival
records say whether any 10 s window ever held more than 30.
"""

from __future__ import annotations

from collections import Counter

import pytest
from contabilium_runs import contabilium_connection, contabilium_window, tenant_text
from dag_runs import jumpseller_connection, ledger_by_order, run, run_invoicing

from puente.vendors.contabilium.hook import ContabiliumHook
from puente_sandbox.contabilium import DEFAULT_RATE_LIMITS
from puente_sandbox.contabilium.jumpseller_stack import start_contabilium_jumpseller_sandboxes

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_concept_cache():
    from puente.vendors.contabilium.invoice_sink import clear_concept_cache

    clear_concept_cache()
    yield
    clear_concept_cache()


def test_catalog_and_invoicing_never_exceed_30_requests_in_10_seconds(tenant_from, fresh_concept_cache):
    assert ContabiliumHook.rate_limit_budgets == ((30, 10.0),)  # the budget as shipped
    with start_contabilium_jumpseller_sandboxes(n_orders=20, seed=5,
                                                contabilium_rate_limits=DEFAULT_RATE_LIMITS) as sandboxes:
        cb, js, orders = sandboxes.contabilium, sandboxes.jumpseller[0], sandboxes.orders
        dags = tenant_from("cb_budget", tenant_text("cb_budget", 1), {
            "cb_budget_cb": contabilium_connection(cb), "cb_budget_js0": jumpseller_connection(js)})
        assert run(dags["catalog_sync"]) == "success"
        run_invoicing(dags["invoicing"], "cb_budget", **contabilium_window(orders))  # red iff orders wait for a person

        counters = cb.counters()
        assert counters["rate_limits"] == [[30, 10.0]]
        assert counters["total_requests"] > 60, counters["total_requests"]  # several windows' worth
        assert counters["max_requests_in_window"]["10s"] <= 30, counters["max_requests_in_window"]
        assert counters["rate_limited"] == 0  # never refused: the hook paced itself

        expected = set(orders.paid) - set(orders.zero_value) - set(orders.unlinked_sku)
        facturas = Counter(int(i["RefExterna"].removeprefix("JS-")) for i in cb.inspect_get("/_sandbox/invoices"))
        assert set(facturas) == expected and set(facturas.values()) == {1}
        assert {i for i, row in ledger_by_order("cb_budget").items() if row["status"] == "invoiced"} == expected
