"""Exactly once under chaos for Alegra, on real DAG runs, from the Alegra sandbox's own records.

Faults: 5xx, "committed but the answer was lost", 429s, and an invoice worker dying right after
Alegra committed an invoice but before the ledger recorded it. Alegra has no idempotency key:
lost answers are settled by the sink's lookup (the ``[ref ...]`` token in ``observations``), and
so is the dead worker's order (the ledger asks the sink's ``find`` before anything is re-sent);
only an order whose lookup itself failed becomes ``uncertain`` for a person. After a re-run: one
invoice per eligible order, never two; only ``uncertain`` orders may lack a ledger ``invoiced``
row, and none of them has a duplicate.
"""

from __future__ import annotations

from collections import Counter

import pytest
from chaos import dying_sinks, run_through_faults
from dag_runs import run, run_invoicing
from test_alegra_astroselling import (
    astro_seed,
    dags_for,
    expected_outcomes,
    invoices_by_order,
    ledger,
    outcome,
    window,
)

from puente_sandbox.alegra import run_alegra_sandbox
from puente_sandbox.astroselling.testing import run_astroselling_sandbox

pytestmark = pytest.mark.integration


def test_exactly_one_alegra_invoice_per_order_under_chaos(tenant_from, monkeypatch):
    kill = dying_sinks(monkeypatch, after=15)
    seed = astro_seed(n_orders=60, seed=8)
    expected = expected_outcomes(seed.orders)
    invoiceable = {order_id for order_id, result in expected.items() if result == "invoiced"}
    faults = {"rate_5xx": 0.10, "lost_response_rate": 0.08, "rate_429": 0.05, "seed": 21}
    # No budget on either side: the chaos, not the 150/min (tested elsewhere), is under test here;
    # without a limiter the sandbox's injected 429s say "wait 1 s".
    with run_alegra_sandbox(rate_limits=None) as alegra, run_astroselling_sandbox(seed, rate_limits=None) as astro:
        dags = dags_for(tenant_from, "alegra_chaos", alegra, astro, retries=3, alegra_budget=0)
        assert run(dags["catalog_sync"]) == "success"
        run_through_faults(dags["invoicing"], window(), faults, alegra, astro)
        run_invoicing(dags["invoicing"], "alegra_chaos", **window())  # red iff orders wait for a person

        assert kill["killed"], "the simulated kill must have happened"
        assert ledger("alegra_chaos")[kill["killed_order"]]["status"] == "invoiced"  # found, not re-sent
        injected = alegra.counters()["faults_injected"]
        assert injected["5xx"] > 0 and injected["lost_response"] > 0 and injected["429"] > 0

        invoices = invoices_by_order(alegra)
        assert set(invoices.values()) == {1}  # never a duplicate
        assert set(invoices) <= invoiceable  # nothing for an order that must not be invoiced
        rows = ledger("alegra_chaos")
        by_status = Counter(row["status"] for row in rows.values())
        invoiced = {i for i, row in rows.items() if row["status"] == "invoiced"}
        uncertain = {i for i, row in rows.items() if row["status"] == "uncertain"}
        assert invoiced <= set(invoices)  # every recorded invoice exists in Alegra, once
        assert set(invoices) - invoiced <= uncertain  # an invoice the ledger does not know waits for a person
        lost = {i: rows[i]["reason"] for i in invoiceable - invoiced - uncertain}
        assert not lost  # none lost: each invoiced, or for a person to check
        assert by_status["uncertain"] <= 2, by_status  # only a failed lookup leaves an order for a person
        others = {i: outcome(row) for i, row in rows.items() if i not in invoiceable}
        assert others == {i: r for i, r in expected.items() if i not in invoiceable}  # same errors and skips
        attached = {o["id"] for o in astro.inspect_get("/_sandbox/orders") if o["invoiced"]}
        assert attached == invoiced
