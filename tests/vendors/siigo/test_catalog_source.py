"""SiigoCatalogSource against the Siigo sandbox: the configured warehouse, price list and currency."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from puente.vendors.siigo.catalog_source import SiigoCatalogSource
from puente.vendors.siigo.hook import SiigoHook, clear_token_cache
from puente.vendors.siigo.settings import SiigoSettings
from puente_sandbox.credentials import DEFAULT_SIIGO_ACCESS_KEY, DEFAULT_SIIGO_PARTNER_ID, DEFAULT_SIIGO_USER
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import run_siigo_sandbox
from puente_sandbox.siigo.seed import GIFT_CODE, INACTIVE_CODE, SERVICE_CODE


@pytest.fixture(scope="module")
def siigo() -> Iterator[SandboxHandle]:
    with run_siigo_sandbox(rate_limits=None) as handle:
        yield handle


@pytest.fixture
def source(siigo, set_conn, limiter):
    clear_token_cache()
    set_conn("siigo_catalog", conn_type="siigo", host=siigo.base_url, login=DEFAULT_SIIGO_USER,
             password=DEFAULT_SIIGO_ACCESS_KEY, extra={"partner_id": DEFAULT_SIIGO_PARTNER_ID})

    def build(**options) -> SiigoCatalogSource:
        settings = SiigoSettings(vendor="siigo", conn_id="siigo_catalog", **options)
        return SiigoCatalogSource(settings, hook=SiigoHook("siigo_catalog", limiter=limiter))

    return build


def products(siigo) -> dict[str, dict]:
    return {p["code"]: p for p in siigo.store.products}


def test_stock_of_the_configured_warehouse_and_price_of_the_configured_list(source, siigo):
    frame = source(warehouse_id=1271, price_list=2).read_catalog().set_index("sku")
    expected = products(siigo)
    for code in ("SKU-0001", "SKU-0007", "SKU-0020"):
        product = expected[code]
        stock = next(w["quantity"] for w in product["warehouses"] if w["id"] == 1271)
        net = Decimal(str(product["prices"][0]["price_list"][1]["value"]))
        rate = 1 + Decimal(str(product["taxes"][0]["percentage"])) / 100
        assert frame.loc[code, "stock"] == stock
        assert frame.loc[code, "price_net"] == net  # Siigo's list values are net (tax_included: false)
        assert frame.loc[code, "price_gross"] == (net * rate).quantize(Decimal("0.01"))


def test_no_warehouse_means_every_warehouse(source, siigo):
    frame = source().read_catalog().set_index("sku")
    assert frame.loc["SKU-0003", "stock"] == products(siigo)["SKU-0003"]["available_quantity"]


def test_inactive_skipped_services_unsupported_gift_priced_zero(source):
    frame = source().read_catalog().set_index("sku")
    assert INACTIVE_CODE not in frame.index
    assert "stock control" in frame.loc[SERVICE_CODE, "unsupported"]
    assert frame.loc[GIFT_CODE, "price_gross"] == 0
    assert len(frame) == 32  # 30 products + gift + service


def test_other_currency_has_no_price(source):
    frame = source(price_list_currency="USD").read_catalog()
    assert frame["price_gross"].isna().all()


def test_targeted_read_asks_sku_by_sku(source, siigo):
    siigo.reset_counters()
    frame = source(warehouse_id=1270).read_catalog({"SKU-0002", "SKU-0005"})
    assert sorted(frame["sku"]) == ["SKU-0002", "SKU-0005"]
    assert siigo.counters()["by_route"]["GET /v1/products"] == 2
