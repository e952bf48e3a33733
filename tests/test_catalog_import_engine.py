"""``import_missing`` and ``puente catalog import`` against the Bsale and Jumpseller sandboxes.

The exactly-once protocol case by case: a pending row left by an earlier attempt is looked up by SKU
before any create, a fresh one held by another import is left alone, a refusal is recorded with the
vendor's message while the others go on, an outage stops and keeps the row pending.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from puente.catalog_import import import_missing
from puente.cli import main
from puente.config.models import TenantConfig
from puente.hooks.errors import TransientError
from puente.state.catalog_import import CatalogImportLedger
from puente.state.store import StateStore
from puente.vendors.jumpseller.hook import JumpsellerHook
from puente_sandbox.credentials import DEFAULT_ACCESS_TOKEN, DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

TENANT = """
tenant: shop
name: Shop
country: CL
erp: {{vendor: bsale, conn_id: imp_bsale, office_id: 1, price_list_id: 1}}
channels:
  - {{vendor: jumpseller, conn_id: imp_js}}
"""
NEW = [("WEB-1", "Gorro Web", 4200), ("WEB-2", "Bufanda Web", 8403.36), ("WEB-3", "Guantes Web", 1000)]


@pytest.fixture
def shop(tmp_path, monkeypatch, bsale_sandbox, jumpseller_sandbox) -> TenantConfig:
    """A tenant on both sandboxes whose Bsale has three web-only products the store lacks."""
    monkeypatch.setenv("PUENTE_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_CONN_IMP_BSALE", json.dumps(
        {"conn_type": "bsale", "host": bsale_sandbox.base_url, "password": DEFAULT_ACCESS_TOKEN,
         "extra": {"rate_limit_per_second": 0}}))
    monkeypatch.setenv("AIRFLOW_CONN_IMP_JS", json.dumps(
        {"conn_type": "jumpseller", "host": jumpseller_sandbox.base_url, "login": DEFAULT_LOGIN,
         "password": DEFAULT_AUTHTOKEN}))
    monkeypatch.setattr(JumpsellerHook, "backoff_base", 0.01)
    monkeypatch.setattr(JumpsellerHook, "backoff_max", 0.02)
    (tmp_path / "shop.yaml").write_text(TENANT.format())
    for sku, name, net in NEW:
        bsale_sandbox.inspect_post("/_sandbox/variants", {"sku": sku, "name": name, "office_id": 1, "available": 5,
                                                          "net": net})
    return TenantConfig.model_validate({
        "tenant": "shop", "name": "Shop", "country": "CL",
        "erp": {"vendor": "bsale", "conn_id": "imp_bsale", "office_id": 1, "price_list_id": 1},
        "channels": [{"vendor": "jumpseller", "conn_id": "imp_js"}],
    })


def created(sandbox) -> list[dict]:
    return sandbox.inspect_get("/_sandbox/products/created")["products"]


def only_new(report) -> dict[str, str]:
    return {o.skus[0]: o.status for o in report.outcomes if o.skus[0].startswith("WEB-")}


def test_creates_the_missing_products_links_them_and_a_second_import_creates_nothing(shop, jumpseller_sandbox):
    report = import_missing(shop, "imp_js", skus={"WEB-1", "WEB-2", "WEB-3"}, actor="test")
    assert only_new(report) == {"WEB-1": "created", "WEB-2": "created", "WEB-3": "created"} and report.ok
    listed = {row["sku"]: row for row in jumpseller_sandbox.inspect_get("/_sandbox/listings")}
    assert (listed["WEB-2"]["stock"], listed["WEB-2"]["price"]) == (5, 10000.0)  # gross: 8403.36 * 1.19
    links = {row["sku"]: row for row in StateStore().links("shop", "imp_js")}
    assert links["WEB-1"]["status"] == "linked" and links["WEB-1"]["product_id"] == str(listed["WEB-1"]["product_id"])
    rows = CatalogImportLedger().rows("shop", "imp_js")
    assert {row["created_by"] for row in rows.values()} == {"test"}
    again = import_missing(shop, "imp_js", actor="test")
    assert not any(o.skus[0].startswith("WEB-") for o in again.outcomes)  # listed now: nothing to import
    assert len(created(jumpseller_sandbox)) == 3


def test_a_pending_row_whose_product_reached_the_store_is_adopted_from_the_listings(shop, jumpseller_sandbox):
    # an earlier attempt (run-1's task, which crashed after sending) claimed the row and created the
    # product, but never recorded it: the plan sees the SKU listed, and the row must still be settled
    ledger = CatalogImportLedger()
    key = next(key for key, skus in _plan_keys(shop) if skus == ["WEB-1"])
    assert ledger.claim("shop", "imp_js", key, name="Gorro Web", skus=["WEB-1"], claim="dag:run-1") == {}
    store_product = jumpseller_sandbox.client().post(jumpseller_sandbox.url("/v1/products.json"), timeout=10, json={
        "product": {"name": "Gorro Web", "price": 4998, "sku": "WEB-1", "stock": 5}}).json()["product"]
    report = import_missing(shop, "imp_js", skus={"WEB-1"}, actor="dag:run-1", run_id="dag:run-1")
    assert only_new(report) == {"WEB-1": "adopted"}
    assert [p["id"] for p in created(jumpseller_sandbox)] == [store_product["id"]]  # still the one create
    row = ledger.rows("shop", "imp_js")[key]
    assert (row["status"], row["product_id"], row["attempts"]) == ("created", str(store_product["id"]), 2)
    assert StateStore().links("shop", "imp_js")[0]["status"] == "linked"


def test_a_pending_row_is_looked_up_by_sku_before_it_is_created(shop, jumpseller_sandbox):
    ledger = CatalogImportLedger()
    key = next(key for key, skus in _plan_keys(shop) if skus == ["WEB-2"])
    ledger.claim("shop", "imp_js", key, name="Bufanda Web", skus=["WEB-2"], claim="dag:run-1")
    jumpseller_sandbox.reset_counters()
    report = import_missing(shop, "imp_js", skus={"WEB-2"}, actor="dag:run-1", run_id="dag:run-1")
    assert only_new(report) == {"WEB-2": "created"}
    routes = [w["route"] for w in jumpseller_sandbox.writes()]
    assert routes == ["POST /v1/products.json"] and len(created(jumpseller_sandbox)) == 1
    assert jumpseller_sandbox.counters()["by_route"]["GET /v1/products/search.json"] == 1  # looked first


def test_a_fresh_pending_row_of_another_import_is_left_alone(shop, jumpseller_sandbox):
    key = next(key for key, skus in _plan_keys(shop) if skus == ["WEB-3"])
    CatalogImportLedger().claim("shop", "imp_js", key, name="Guantes Web", skus=["WEB-3"], claim="cli:someone")
    report = import_missing(shop, "imp_js", skus={"WEB-3"}, actor="test")
    assert only_new(report) == {"WEB-3": "held"} and created(jumpseller_sandbox) == []


def test_a_refusal_is_recorded_with_the_vendor_message_and_the_others_go_on(shop, bsale_sandbox, jumpseller_sandbox,
                                                                            capsys):
    bsale_sandbox.inspect_post("/_sandbox/price", {"sku": "WEB-2", "price_list_id": 1, "gross": -500})
    assert main(["catalog", "import", "shop", "--channel", "imp_js", "--skus", "WEB-1,WEB-2", "WEB-3"]) == 1
    out = capsys.readouterr()
    lines = {line.split()[-1] if "[" not in line else line.split("[")[1].split("]")[0]: line
             for line in out.out.splitlines()}
    assert lines["WEB-2"].startswith("failed") and "Price must be greater than or equal to 0" in lines["WEB-2"]
    assert lines["WEB-1"].startswith("created") and lines["WEB-3"].startswith("created")
    assert "2 created, 1 failed" in out.err
    assert sorted(p["skus"][0] for p in created(jumpseller_sandbox)) == ["WEB-1", "WEB-3"]
    errors = CatalogImportLedger().rows("shop", "imp_js", statuses=["error"])
    assert [row["reason"] for row in errors.values()] == ["Price must be greater than or equal to 0"]


def test_a_channel_that_cannot_be_read_stops_the_import_before_anything_is_created(shop, jumpseller_sandbox,
                                                                                   capsys):
    jumpseller_sandbox.set_faults(rate_5xx=1.0, seed=3)
    assert main(["catalog", "import", "shop"]) == 1
    jumpseller_sandbox.clear_faults()
    err = capsys.readouterr().err
    assert "shop -> imp_js: TransientError" in err and "Traceback" not in err and DEFAULT_AUTHTOKEN not in err
    assert created(jumpseller_sandbox) == [] and CatalogImportLedger().rows("shop", "imp_js") == {}


class LosingChannel:
    """A connector whose create loses its answer and whose lookup then fails too (an outage mid-import)."""

    def __init__(self) -> None:
        self.creates = 0

    def create(self, product):
        self.creates += 1
        raise TransientError("jumpseller POST /v1/products.json -> HTTP 502", uncertain=True)

    def find(self, product):
        raise TransientError("jumpseller GET /v1/products/search.json -> HTTP 503")


def test_an_uncertain_create_whose_lookup_fails_stops_and_stays_pending(tmp_path):
    from puente.catalog_import import _Outage, _Run
    from puente.rules.catalog_import import ImportProduct, ImportVariant

    store = StateStore(f"sqlite:///{tmp_path / 'unit.db'}")
    ledger = CatalogImportLedger(store)
    channel = LosingChannel()
    run = _Run("shop", "js", channel, ledger, store, "test", "claim-1")
    product = ImportProduct("9", "Gorro", (ImportVariant("G-1", "91", 2, False, Decimal(1000)),))
    with pytest.raises(_Outage, match="looking up G-1"):
        run.import_one(product)
    row = ledger.rows("shop", "js")["9"]
    assert (row["status"], row["claim"], channel.creates) == ("pending", "claim-1", 1)  # maybe sent: look first
    with pytest.raises(_Outage):  # the next attempt looks it up before anything: never a second create
        _Run("shop", "js", channel, ledger, store, "test", "claim-1").import_one(product)
    assert channel.creates == 1


def test_cli_refuses_unknown_tenants_and_channels_in_one_line(shop, capsys):
    assert main(["catalog", "import", "nobody"]) == 1
    assert "no such tenant file" in capsys.readouterr().err
    assert main(["catalog", "import", "shop", "--channel", "nope"]) == 1
    err = capsys.readouterr().err
    assert "has no channel 'nope'" in err and "Traceback" not in err


def _plan_keys(config: TenantConfig) -> list[tuple[str, list[str]]]:
    """(product key, SKUs) the import would create, read through the dry run's report."""
    report = import_missing(config, "imp_js", dry_run=True, actor="test")
    return [(o.key, o.skus) for o in report.outcomes if o.status == "would_create"]
