from decimal import Decimal

from puente.state.store import StateStore


def test_links_upsert_per_tenant_and_channel(state_url):
    store = StateStore(state_url)
    store.save_links("t1", "js", [{"sku": "A", "status": "linked", "source_id": "1", "product_id": "9"},
                                  {"sku": "B", "status": "source_only"}])
    store.save_links("t1", "js", [{"sku": "B", "status": "linked", "source_id": "2", "product_id": "8"}])
    store.save_links("t2", "js", [{"sku": "A", "status": "target_only"}])
    links = {row["sku"]: row["status"] for row in store.links("t1", "js")}
    assert links == {"A": "linked", "B": "linked"}
    assert [row["status"] for row in store.links("t2")] == ["target_only"]


def test_pushed_state_keeps_the_last_push_with_exact_money(state_url):
    store = StateStore(state_url)
    store.record_pushes("t1", "js", "run-1", [{"sku": "A", "stock": 3, "unlimited": False, "price": Decimal("1190.5")}])
    store.record_pushes("t1", "js", "run-2", [{"sku": "A", "stock": 4, "unlimited": False}])
    pushed = store.pushed("t1", "js")["A"]
    assert (pushed["stock"], pushed["run_id"]) == (4, "run-2")
    assert store.record_pushes("t1", "js", "run-3", []) == 0


def test_run_reports_are_one_row_per_run_and_rewritable(state_url):
    store = StateStore(state_url)
    store.write_report("t1", "catalog_sync", "r1", "failed", {"pushed_stock": 1}, {"failed": []})
    store.write_report("t1", "catalog_sync", "r1", "success", {"pushed_stock": 2, "price": Decimal("1.5")}, {})
    store.write_report("t1", "catalog_sync", "r2", "success", {"pushed_stock": 0}, {}, dry_run=True)
    reports = store.reports("t1", "catalog_sync")
    assert [(r["run_id"], r["status"], r["dry_run"]) for r in reports] == [
        ("r1", "success", False),
        ("r2", "success", True),
    ]
    assert reports[0]["counts"] == {"pushed_stock": 2, "price": "1.5"}
    assert store.latest_report("t1", "catalog_sync")["run_id"] == "r2"
    assert store.latest_report("t1", "other") is None


def test_state_survives_a_new_store_instance(state_url):
    StateStore(state_url).save_links("t1", "js", [{"sku": "A", "status": "linked"}])
    assert [row["sku"] for row in StateStore(state_url).links("t1")] == ["A"]


def test_one_run_s_report_and_the_latest_real_or_dry_one_are_single_row_reads(state_url):
    store = StateStore(state_url)
    store.write_report("t1", "invoicing", "r1", "partial", {"failed": 2}, {})
    store.write_report("t1", "invoicing", "r2", "success", {}, {}, dry_run=True)
    store.write_report("t1", "catalog_sync", "r1", "success", {}, {})
    assert store.report("t1", "invoicing", "r1")["counts"] == {"failed": 2}
    assert store.report("t1", "invoicing", "nope") is None
    assert store.latest_report("t1", "invoicing")["run_id"] == "r2"
    assert store.latest_report("t1", "invoicing", dry_run=False)["run_id"] == "r1"
    assert [r["run_id"] for r in store.recent_reports("t1", "invoicing", limit=5)] == ["r2", "r1"]
