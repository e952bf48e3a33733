"""Real DAG runs: units held by open Jumpseller orders are never put on sale again ("stock entre paréntesis").

Bsale and Jumpseller sandboxes; the Jumpseller sandbox takes an order's units when it is created
pending, keeps them when paid, gives them back when cancelled (puente_sandbox.jumpseller.order_stock),
and Bsale drops its stock when the invoicing DAG's boleta is dispatched. Expectations come from
the sandboxes' own records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from dag_runs import bsale_connection, jumpseller_connection, run

from puente.state.store import StateStore

pytestmark = pytest.mark.integration

TENANT = """
tenant: it_res
name: Reservation Store
country: CL
timezone: America/Santiago
erp: {{vendor: bsale, conn_id: it_bsale, office_id: {office}, price_list_id: {price_list}}}
channels:
  - {{vendor: jumpseller, conn_id: it_jumpseller}}
flows:
  catalog_sync: {{retries: 0{catalog}}}
  invoicing: {{enabled: true, retries: 0, retry_delay_seconds: 0, claim_lease_minutes: 0}}
"""


@pytest.fixture
def dags(tenant_from, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    def build(catalog_options: str = ""):
        text = TENANT.format(office=catalog_scenario.sync_office_id, price_list=catalog_scenario.sync_price_list_id,
                             catalog=catalog_options)
        built = tenant_from("it_res", text, {"it_bsale": bsale_connection(bsale_sandbox),
                                             "it_jumpseller": jumpseller_connection(jumpseller_sandbox)})
        return built["catalog_sync"], built["invoicing"]

    return build


def erp_available(bsale_sandbox, office: int, sku: str) -> float:
    item = next(item for item in bsale_sandbox.inspect_get("/_sandbox/catalog") if item["sku"] == sku)
    return next((s["available"] for s in item["stocks"] if s["office_id"] == office), 0.0)


def shown(jumpseller_sandbox, sku: str) -> dict:
    return next(row for row in jumpseller_sandbox.inspect_get("/_sandbox/listings") if row["sku"] == sku)


def plain_linked_sku(jumpseller_sandbox, catalog_scenario, bsale_sandbox) -> str:
    """A linked, limited SKU with room for 5 held units, sellable in a boleta (no serial, no pack)."""
    bsale = {item["sku"]: item for item in bsale_sandbox.inspect_get("/_sandbox/catalog")}
    excluded = set(catalog_scenario.pack_skus) | set(catalog_scenario.unlimited_skus)
    for row in jumpseller_sandbox.inspect_get("/_sandbox/listings"):
        item = bsale.get(row["sku"])
        if (item and item["state"] == 0 and not item["serial_number"] and row["sku"] not in excluded
                and not row["stock_unlimited"] and row["stock"] >= 6 and item["classification"] != 3):
            return row["sku"]
    raise AssertionError("no suitable SKU in the scenario")


def new_order(jumpseller_sandbox, order_id: int, sku: str, qty: int) -> None:
    row = shown(jumpseller_sandbox, sku)
    line = {"id": row["product_id"], "variant_id": row["variant_id"], "sku": sku, "name": sku, "qty": qty,
            "price": 11900.0}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    jumpseller_sandbox.inspect_post("orders", {"orders": [{
        "id": order_id, "created_at": now, "status_enum": "pending_payment", "products": [line],
        "customer": {"id": 1, "email": "compradora@example.cl", "phone": "+56911111111", "fullname": "Ana Rojas"},
    }]})


def channel_report() -> dict:
    return StateStore().latest_report("it_res", "catalog_sync/it_jumpseller")


def test_held_units_stay_off_sale_until_the_erp_document_then_numbers_agree(
    dags, bsale_sandbox, jumpseller_sandbox, catalog_scenario
):
    catalog, invoicing = dags()
    office = catalog_scenario.sync_office_id
    assert run(catalog) == "success"  # scenario orders (2024) are past the window: nothing held
    assert channel_report()["counts"]["reserved_units"] == 0
    sku = plain_linked_sku(jumpseller_sandbox, catalog_scenario, bsale_sandbox)
    erp = erp_available(bsale_sandbox, office, sku)
    assert shown(jumpseller_sandbox, sku)["stock"] == erp

    # a pending order takes 3 units in the store; the hourly sync must not put them back on sale
    new_order(jumpseller_sandbox, 90001, sku, 3)
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3
    report = channel_report()
    assert (report["counts"]["reserved_units"], report["counts"]["reserved_skus"]) == (3, 1)
    assert report["details"]["reservations"]["reserved"] == [
        {"sku": sku, "erp_stock": erp, "reserved": 3, "sellable": erp - 3}]

    # paid, then invoiced: Bsale's dispatched boleta takes the units; the next sync agrees, not ERP - 3 again
    jumpseller_sandbox.inspect_put("orders/90001", {"status_enum": "paid"})
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3
    today = datetime.now(ZoneInfo("America/Santiago")).date().isoformat()
    assert run(invoicing, date_from=today, date_to=today) == "success"
    assert [doc["salesId"] for doc in bsale_sandbox.inspect_get("/_sandbox/documents")] == ["JS-90001"]
    assert erp_available(bsale_sandbox, office, sku) == erp - 3
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3 == erp_available(bsale_sandbox, office, sku)
    assert channel_report()["counts"]["reserved_units"] == 0

    # a second pending order holds 2 more; cancelled, its units come back on sale
    new_order(jumpseller_sandbox, 90002, sku, 2)
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 5
    jumpseller_sandbox.inspect_put("orders/90002", {"status_enum": "canceled"})
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp - 3 == erp_available(bsale_sandbox, office, sku)
    assert channel_report()["counts"]["reserved_units"] == 0


def test_option_off_pushes_the_erp_stock_as_before(dags, bsale_sandbox, jumpseller_sandbox, catalog_scenario):
    catalog, _ = dags(", reserve_pending_orders: false")
    assert run(catalog) == "success"
    sku = plain_linked_sku(jumpseller_sandbox, catalog_scenario, bsale_sandbox)
    erp = erp_available(bsale_sandbox, catalog_scenario.sync_office_id, sku)
    new_order(jumpseller_sandbox, 90003, sku, 3)
    assert run(catalog) == "success"
    assert shown(jumpseller_sandbox, sku)["stock"] == erp  # the oversell the option exists to prevent
    assert "reserved_units" not in channel_report()["counts"]
