"""ContabiliumCatalogSource against the Contabilium sandbox: stock of one bodega or the "stock total".

Expectations come from the sandbox's own records (``/_sandbox/stock``: available units per
depósito), restated here with the article's rule, not from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from puente.vendors.contabilium.catalog_source import ContabiliumCatalogSource
from puente.vendors.contabilium.settings import ContabiliumSettings
from puente_sandbox.contabilium import generate_contabilium_data, run_contabilium_sandbox
from puente_sandbox.contabilium.seed import INACTIVE_CODE, NO_STOCK_CODE, SERVICE_CODE

PRINCIPAL, ROSARIO = 31293, 31294
MAYORISTA, PARTIAL_LIST = 2201, 2202


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with run_contabilium_sandbox(generate_contabilium_data(n_products=60), rate_limits=None) as handle:
        yield handle


@pytest.fixture
def source(sandbox, contabilium_hook):
    def build(**options) -> ContabiliumCatalogSource:
        settings = ContabiliumSettings(vendor="contabilium", conn_id="cb_catalog", **options)
        return ContabiliumCatalogSource(settings, hook=contabilium_hook(sandbox, "cb_catalog"))

    return build


def by_sku(frame) -> dict[str, dict]:
    return {row["sku"]: row for row in frame.to_dict("records")}


def test_no_bodega_means_the_stock_total_over_every_depósito(sandbox, source):
    per_deposit = sandbox.inspect_get("/_sandbox/stock")
    rows = by_sku(source().read_catalog())
    assert rows, "the sandbox has products"
    multi = [sku for sku, deposits in per_deposit.items() if len(deposits) > 1]
    assert multi, "the seed keeps products in several depósitos"
    for sku, deposits in per_deposit.items():
        if sku in rows:
            assert rows[sku]["stock"] == sum(deposits.values()), sku
    assert INACTIVE_CODE not in rows  # inactive conceptos are not synced
    assert rows[NO_STOCK_CODE]["stock"] == 0
    assert rows[SERVICE_CODE]["sells_without_stock"] and not rows["SKU-0001"]["sells_without_stock"]


def test_a_bodega_means_that_depósito_only(sandbox, source):
    per_deposit = sandbox.inspect_get("/_sandbox/stock")
    rows = by_sku(source(warehouse_id=ROSARIO).read_catalog())
    for sku, row in rows.items():
        assert row["stock"] == per_deposit.get(sku, {}).get(str(ROSARIO), 0), sku
    assert any(row["stock"] != sum(per_deposit.get(sku, {}).values()) for sku, row in rows.items())


def test_targeted_read_gives_the_same_stock_as_the_full_read(source):
    full = by_sku(source().read_catalog())
    skus = ["SKU-0001", "SKU-0002", "SKU-0003", NO_STOCK_CODE]
    targeted = by_sku(source().read_catalog(skus))
    assert set(targeted) == set(skus)
    for sku in skus:
        assert targeted[sku]["stock"] == full[sku]["stock"]
        assert targeted[sku]["price_gross"] == full[sku]["price_gross"]
    one, whole = by_sku(source(warehouse_id=PRINCIPAL).read_catalog(skus)), by_sku(
        source(warehouse_id=PRINCIPAL).read_catalog())
    assert {sku: row["stock"] for sku, row in one.items()} == {sku: whole[sku]["stock"] for sku in skus}


def test_prices_come_from_the_concepto_or_the_chosen_price_list(sandbox, source):
    seed = generate_contabilium_data(n_products=60)
    concepto = {p["Codigo"]: p for p in seed.products}
    own = by_sku(source().read_catalog())
    assert own["SKU-0001"]["price_net"] == Decimal(str(concepto["SKU-0001"]["Precio"]))
    assert own["SKU-0001"]["price_gross"] == Decimal(str(concepto["SKU-0001"]["PrecioFinal"]))
    listed = {i["Codigo"]: i for i in next(p for p in seed.price_lists if p["Id"] == PARTIAL_LIST)["Items"]}
    rows = by_sku(source(price_list_id=PARTIAL_LIST).read_catalog())
    for sku, row in rows.items():
        if sku in listed:
            assert row["price_gross"] == Decimal(str(listed[sku]["PrecioFinal"]))
        else:
            assert row["price_gross"] is None  # omitted by the list: no price is pushed
    assert any(row["price_gross"] is None for row in rows.values())
