"""Acceptance: two stores on one Contabilium account show their own price lists' prices
("Sincronizar tus distintas listas de precios"), read from the sandbox's own lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from contabilium_runs import GENERIC_DNI, contabilium_connection, unthrottled_contabilium
from dag_runs import jumpseller_connection, run

from puente.config.loader import load_tenant_file
from puente_sandbox.contabilium.jumpseller_stack import start_contabilium_jumpseller_sandboxes

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("unthrottled_contabilium")]
__all__ = ["unthrottled_contabilium"]

TENANT = f"""
tenant: cb_lists
name: Rosario Hogar (price lists)
country: AR
timezone: America/Argentina/Buenos_Aires
currency: ARS
erp: {{vendor: contabilium, conn_id: cb_lists_cb, final_consumer_dni: "{GENERIC_DNI}", price_list_id: 2201}}
channels:
  - {{vendor: jumpseller, conn_id: cb_lists_js0}}
  - {{vendor: jumpseller, conn_id: cb_lists_js1, price_list: 2202}}
flows:
  catalog_sync: {{retries: 0}}
"""


def shown_prices(store) -> dict[str, Decimal]:
    return {row["sku"]: Decimal(str(row["price"])) for row in store.inspect_get("/_sandbox/listings")}


def list_prices(contabilium, list_id: int) -> dict[str, Decimal]:
    items = contabilium.store.price_lists[list_id]["Items"]
    return {item["Codigo"]: Decimal(str(item["PrecioFinal"])).quantize(Decimal("0.01")) for item in items}


def test_each_store_shows_the_prices_of_its_own_list(tenant_from):
    with start_contabilium_jumpseller_sandboxes(n_orders=20, stores=2) as sandboxes:
        connections = {"cb_lists_cb": contabilium_connection(sandboxes.contabilium)}
        connections |= {f"cb_lists_js{n}": jumpseller_connection(store) for n, store in enumerate(sandboxes.jumpseller)}
        assert run(tenant_from("cb_lists", TENANT, connections)["catalog_sync"]) == "success"

        wholesale, web = list_prices(sandboxes.contabilium, 2201), list_prices(sandboxes.contabilium, 2202)
        first, second = (shown_prices(store) for store in sandboxes.jumpseller)
        in_both = sorted(set(wholesale) & set(web) & set(first) & set(second))
        assert len(in_both) >= 5
        assert {sku: first[sku] for sku in in_both} == {sku: wholesale[sku] for sku in in_both}
        assert {sku: second[sku] for sku in in_both} == {sku: web[sku] for sku in in_both}
        assert all(wholesale[sku] != web[sku] for sku in in_both)


def test_a_price_list_the_erp_cannot_take_is_a_config_error_naming_the_channel(tmp_path):
    path = tmp_path / "cb_lists.yaml"
    path.write_text(TENANT.replace("price_list: 2202", "price_list: mayorista"))
    error = load_tenant_file(path)
    assert "channels[1].price_list" in str(error.errors) and "contabilium price_list_id" in str(error.errors)
    no_lists = TENANT.replace("vendor: contabilium, conn_id: cb_lists_cb", "vendor: facto, conn_id: cb_lists_cb")
    path.write_text(no_lists)
    assert "price_list" in str(load_tenant_file(path).errors)
