"""AlegraCatalogSource against the Alegra sandbox: SKU field, taxes, price list, warehouse, variations."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from puente.connectors.registry import catalog_source_vendors
from puente.vendors.alegra.catalog_source import AlegraCatalogSource
from puente.vendors.alegra.hook import AlegraHook
from puente.vendors.alegra.settings import AlegraSettings
from puente_sandbox.alegra import run_alegra_sandbox
from puente_sandbox.alegra.seed import INACTIVE_REFERENCE, SERVICE_REFERENCE, VARIANT_REFERENCE
from puente_sandbox.credentials import DEFAULT_ALEGRA_EMAIL, DEFAULT_ALEGRA_TOKEN


@pytest.fixture(scope="module")
def alegra() -> Iterator[Any]:
    with run_alegra_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def read(alegra, set_conn, limiter):
    conn = set_conn("alegra_cat", conn_type="alegra", host=alegra.base_url, login=DEFAULT_ALEGRA_EMAIL,
                    password=DEFAULT_ALEGRA_TOKEN)  # fmt: skip

    def frame(skus=None, **options: Any):
        settings = AlegraSettings(vendor="alegra", conn_id=conn, **options)
        return AlegraCatalogSource(settings, hook=AlegraHook(conn, limiter=limiter)).read_catalog(skus)

    return frame


def by_sku(frame) -> dict[str, dict[str, Any]]:
    return {row["sku"]: row for row in frame.to_dict("records")}


def seeded(alegra, reference: str) -> dict[str, Any]:
    return next(i for i in alegra.store.items if i["reference"] == reference)


def test_defaults_reference_as_sku_total_stock_first_price_without_taxes(alegra, read):
    rows = by_sku(read())
    item = seeded(alegra, "REF-0007")
    row = rows["REF-0007"]
    assert row["source_id"] == item["id"] and row["stock"] == item["inventory"]["availableQuantity"]
    assert row["price_net"] == row["price_gross"] == Decimal(str(item["price"][0]["price"]))  # "Usar impuestos" off
    assert INACTIVE_REFERENCE not in rows  # inactive items are not for sale
    assert "service" in rows[SERVICE_REFERENCE]["unsupported"]


def test_use_taxes_adds_the_items_iva(alegra, read):
    row = by_sku(read(use_taxes=True))["REF-0007"]
    assert row["price_gross"] == row["price_net"] * Decimal("1.19")
    half_pesos = by_sku(read(use_taxes=True, price_list_id="3"))  # 95% list x 1.19 may end in ,5
    assert all(price == price.to_integral_value() for price in (r["price_gross"] for r in half_pesos.values()))


def test_price_list_and_warehouse(alegra, read):
    item = seeded(alegra, "REF-0008")
    row = by_sku(read(price_list_id="2", warehouse_id="2"))["REF-0008"]
    assert row["price_net"] == Decimal(str(item["price"][1]["price"]))
    assert row["stock"] == item["inventory"]["warehouses"][1]["availableQuantity"]


def test_variations_sharing_a_reference_are_reported_and_the_barcode_tells_them_apart(alegra, read):
    rows = read()
    shared = rows[rows["sku"] == VARIANT_REFERENCE]
    assert len(shared) == 2 and all("set sku_field: barcode" in reason for reason in shared["unsupported"])
    variations = [i for i in alegra.store.items if i["reference"] == VARIANT_REFERENCE]
    by_barcode = by_sku(read(sku_field="barcode"))
    assert all(not isinstance(by_barcode[v["barcode"]]["unsupported"], str) for v in variations)  # sellable
    assert "" in by_barcode  # the item without barcode has no SKU: the plan leaves it unmatched


def test_a_targeted_read_asks_only_for_those_skus(alegra, read):
    alegra.reset_counters()
    rows = read(skus={"REF-0003", "REF-0004"})
    assert set(rows["sku"]) == {"REF-0003", "REF-0004"}
    assert alegra.counters()["by_route"]["GET /items"] == 2


def test_registered_as_a_catalog_source():
    assert "alegra" in catalog_source_vendors()
