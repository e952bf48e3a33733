"""A vendor plug-in from outside Puente's package runs the catalog sync and invoicing flows.

``tests/plugin_vendor/`` is its own distribution (``puente-vendor-tiendita``), installed by ``make
test``, that declares one ``puente.vendors`` entry point and nothing else reaches Puente: no line of
Puente's core names it. Here it is an ERP next to a Jumpseller store, on real DAG runs against its
own sandbox; the conformance suites run on it like on every shipped vendor.
"""

from __future__ import annotations

from collections import Counter

import pytest
from dag_runs import jumpseller_connection, run, run_invoicing, window
from dag_runs import ledger_by_order as ledger_of

from puente.connectors import registry
from puente.provider import get_provider_info
from puente.state.store import StateStore
from puente_sandbox.stack import serve_app

pytestmark = pytest.mark.integration
tiendita = pytest.importorskip("puente_tiendita", reason="the test plug-in is not installed: `make test` installs "
                                                          "tests/plugin_vendor")

TENANT = """
tenant: it_tiendita
name: Tienda con Tiendita
country: CL
timezone: America/Santiago
erp: {vendor: tiendita, conn_id: tiendita_it_tiendita}
channels:
  - {vendor: jumpseller, conn_id: jumpseller_it_tiendita}
flows:
  catalog_sync: {retries: 0}
  invoicing: {enabled: true, retries: 1, retry_delay_seconds: 0, chunk_size: 50}
"""


@pytest.fixture
def tiendita_sandbox(catalog_scenario):
    from puente_tiendita.sandbox import API_KEY, TienditaStore, create_app

    store = TienditaStore.from_catalog(catalog_scenario)  # the store's SKUs, as one merchant's ERP has them
    with serve_app(create_app(store, rate_limits=None), "tiendita", headers={"X-Api-Key": API_KEY},
                   store=store) as handle:
        handle.api_key = API_KEY
        yield handle


def test_it_is_discovered_and_is_a_connection_type():
    assert "catalog_source" in registry.vendor("tiendita").capabilities
    kinds = {kind["connection-type"]: kind for kind in get_provider_info()["connection-types"]}
    assert kinds["tiendita"]["hook-class-name"] == "puente_tiendita.hook.TienditaHook"


def test_catalog_sync_and_invoicing_run_on_it(tenant_from, tiendita_sandbox, jumpseller_sandbox, order_scenario):
    dags = tenant_from("it_tiendita", TENANT, {
        "tiendita_it_tiendita": {"conn_type": "tiendita", "host": tiendita_sandbox.base_url,
                                 "password": tiendita_sandbox.api_key},
        "jumpseller_it_tiendita": jumpseller_connection(jumpseller_sandbox),
    })
    assert run(dags["catalog_sync"]) == "success"
    pushed = StateStore().pushed("it_tiendita", "jumpseller_it_tiendita")
    products = tiendita_sandbox.store.products
    wrong = {sku: (row["stock"], products[sku]["stock"]) for sku, row in pushed.items()
             if row["stock"] is not None and row["stock"] != products[sku]["stock"]}
    assert wrong == {} and any(row["stock"] is not None for row in pushed.values())

    run_invoicing(dags["invoicing"], "it_tiendita", **window(order_scenario))  # red iff orders wait for a person
    invoiced = {order: row for order, row in ledger_of("it_tiendita").items() if row["status"] == "invoiced"}
    made = tiendita_sandbox.inspect_get("invoices")
    references = Counter(invoice["reference"] for invoice in made)
    assert invoiced and len(made) == len(invoiced) and max(references.values()) == 1
    assert {row["erp_doc_id"] for row in invoiced.values()} == {invoice["id"] for invoice in made}

    assert run(dags["invoicing"], **window(order_scenario)) == "success"  # nothing is invoiced twice
    assert len(tiendita_sandbox.inspect_get("invoices")) == len(made)
