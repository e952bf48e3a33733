"""Exactly once for Contabilium under chaos, on real DAG runs.

5xx, "committed but the answer was lost", 429s on both sandboxes, and the invoice task dying right
after Contabilium authorised a factura but before the ledger recorded it. Contabilium has no
idempotency key, so the sink is not idempotent: whatever may have been sent is looked up by our
reference (``comprobantes/search``) and never sent again; what the search cannot show waits as
``uncertain`` for a person. After Airflow's retries and one more run, every eligible order is
invoiced once or waits for a person, and no order has two AFIP facturas.
"""

from __future__ import annotations

from collections import Counter

import pytest
from chaos import dying_sinks, run_through_faults
from contabilium_runs import (  # noqa: F401 - the fixture is used by name
    contabilium_connection,
    contabilium_window,
    tenant_text,
    unthrottled_contabilium,
)
from dag_runs import BOTH_STATE_BACKENDS, jumpseller_connection, ledger_by_order, run, run_invoicing

from puente_sandbox.contabilium.jumpseller_stack import start_contabilium_jumpseller_sandboxes

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("unthrottled_contabilium")]


def invoices_by_order(contabilium) -> Counter:
    return Counter(int(i["RefExterna"].removeprefix("JS-")) for i in contabilium.inspect_get("/_sandbox/invoices"))


@BOTH_STATE_BACKENDS
def test_no_order_gets_two_facturas_under_chaos(tenant_from, monkeypatch):
    kill = dying_sinks(monkeypatch, after=25)
    faults = {"rate_5xx": 0.10, "lost_response_rate": 0.05, "rate_429": 0.05, "seed": 11}
    with start_contabilium_jumpseller_sandboxes(n_orders=100, seed=3) as sandboxes:
        cb, js, orders = sandboxes.contabilium, sandboxes.jumpseller[0], sandboxes.orders
        dags = tenant_from("cb_chaos", tenant_text("cb_chaos", 1, retries=3), {
            "cb_chaos_cb": contabilium_connection(cb), "cb_chaos_js0": jumpseller_connection(js)})
        assert run(dags["catalog_sync"]) == "success"

        run_through_faults(dags["invoicing"], contabilium_window(orders), faults, cb, js)
        run_invoicing(dags["invoicing"], "cb_chaos", **contabilium_window(orders))  # red iff orders wait for a person

        assert kill["killed"], "the simulated kill must have happened"
        injected = cb.counters()["faults_injected"]
        assert injected["5xx"] > 0 and injected["lost_response"] > 0 and injected["429"] > 0
        expected = set(orders.paid) - set(orders.zero_value) - set(orders.unlinked_sku)
        facturas = invoices_by_order(cb)
        assert set(facturas.values()) == {1}  # never two AFIP facturas for one order
        assert set(facturas) <= expected
        ledger = ledger_by_order("cb_chaos")
        invoiced = {i for i, row in ledger.items() if row["status"] == "invoiced"}
        uncertain = {i for i, row in ledger.items() if row["status"] == "uncertain"}
        assert invoiced | uncertain == expected and invoiced <= set(facturas)  # none lost, none forgotten
        assert ledger[int(kill["killed_order"])]["status"] == "invoiced"  # the dead worker's factura, found
        emails = Counter(e["IdComprobante"] for e in cb.inspect_get("/_sandbox/emails"))
        assert set(emails.values()) <= {1}  # an e-mail is never sent twice either
        attached = Counter(int(d["order_id"]) for d in js.inspect_get("/_sandbox/orders/documents"))
        assert set(attached) == invoiced and set(attached.values()) == {1}
        run_invoicing(dags["invoicing"], "cb_chaos", **contabilium_window(orders))  # red iff orders wait for a person
        assert invoices_by_order(cb) == facturas  # a further run sends nothing
