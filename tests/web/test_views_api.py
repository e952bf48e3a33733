"""The console's read-only views over HTTP, as Airflow users (SimpleAuthManager tokens): the attention
list (orders in error, uncertain, or pending past their lease, across runs), each flow's health, and
the synced-products list; filtered, paged, and only for tenants the user may read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from test_console_auth import OnlyAndesOutdoor, console, reader_of

from puente.state.store import StateStore
from puente.state.tables import invoice_ledger

__all__ = ["console"]  # the fixture, shared with the console auth tests


def add_rows(*rows: dict) -> None:
    now = datetime.now(UTC)
    base = {"channel": "js", "attempts": 1, "attached": False, "attach_attempts": 0, "updated_at": now,
            "category": None, "reason": None, "run_id": None, "claim": None, "claimed_at": None}
    with StateStore().engine.begin() as conn:
        conn.execute(invoice_ledger.insert(), [base | row for row in rows])


def get(receiver, jwt: str, **params):
    return receiver.client.get("/api/attention", params=params, headers={"Authorization": f"Bearer {jwt}"})


def test_orders_needing_a_person_are_listed_whatever_run_touched_them(console):
    receiver, token = console
    old = datetime.now(UTC) - timedelta(hours=2)
    add_rows(
        {"tenant": "andes_outdoor", "order_id": "101", "status": "error", "category": "unlinked_sku",
         "reason": "product not synced: Polera (SKU X)", "run_id": "scheduled__1"},
        {"tenant": "andes_outdoor", "order_id": "102", "status": "uncertain", "reason": "may exist in Facto"},
        {"tenant": "andes_outdoor", "order_id": "103", "status": "pending", "claim": "r/0", "claimed_at": old},
        {"tenant": "andes_outdoor", "order_id": "104", "status": "pending", "claim": "r/1",
         "claimed_at": datetime.now(UTC)},  # its task may still be working: not listed
        {"tenant": "andes_outdoor", "order_id": "105", "status": "invoiced"},
        {"tenant": "andes_sur", "order_id": "201", "status": "error", "category": "no_stock", "reason": "sin stock"},
    )
    jwt = token("viewer")
    body = get(receiver, jwt).json()
    assert body["total"] == 4 and body["next_offset"] is None
    by_id = {row["order_id"]: row for row in body["orders"]}
    assert set(by_id) == {"101", "102", "103", "201"}
    assert by_id["101"]["reason"] == "product not synced: Polera (SKU X)"  # the reason verbatim
    assert "lease over" in by_id["103"]["reason"] and by_id["103"]["waiting_seconds"] >= 0
    assert "payload" not in by_id["101"]
    assert [r["order_id"] for r in get(receiver, jwt, category="unlinked_sku").json()["orders"]] == ["101"]
    assert [r["order_id"] for r in get(receiver, jwt, status="uncertain").json()["orders"]] == ["102"]
    assert [r["order_id"] for r in get(receiver, jwt, tenant="andes_sur").json()["orders"]] == ["201"]
    assert get(receiver, jwt, order_id="10").json()["total"] == 3  # a prefix, as a person pastes it
    assert get(receiver, jwt, order_id="1%").json()["total"] == 0  # a wildcard is only a character


def test_pages_cover_every_row_once(console):
    receiver, token = console
    add_rows(*({"tenant": "andes_outdoor", "order_id": f"{n:05d}", "status": "error", "category": "no_stock"}
               for n in range(1, 251)))
    jwt = token("viewer")
    seen, offset = [], 0
    while offset is not None:
        body = get(receiver, jwt, limit=100, offset=offset).json()
        seen += [row["order_id"] for row in body["orders"]]
        offset = body["next_offset"]
    assert len(seen) == 250 and len(set(seen)) == 250


def test_hostile_parameters_are_4xx_and_hidden_tenants_are_404(console):
    receiver, token = console
    add_rows({"tenant": "andes_sur", "order_id": "201", "status": "error"})
    jwt = token("viewer", manager=OnlyAndesOutdoor)
    assert get(receiver, jwt).json()["total"] == 0  # andes_sur's order is not this user's to see
    assert get(receiver, jwt, tenant="andes_sur").status_code == 404
    assert get(receiver, jwt, tenant="no_such_tenant").status_code == 404
    assert get(receiver, jwt, limit=0).status_code == 422
    assert get(receiver, jwt, limit="lots").status_code == 422
    assert get(receiver, jwt, status="invoiced").status_code == 422
    assert get(receiver, jwt, order_id="x" * 65).status_code == 422
    assert receiver.client.get("/api/attention").status_code == 401
    with StateStore().engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(invoice_ledger)).scalar_one() == 1


def test_health_shows_real_runs_newest_first_and_a_later_dry_run_apart(console):
    receiver, token = console
    store = StateStore()
    store.write_report("andes_outdoor", "invoicing", "scheduled__1", "partial", {"failed": 18}, {})
    store.write_report("andes_outdoor", "invoicing", "scheduled__2", "success", {"failed": 0}, {})
    store.write_report("andes_outdoor", "invoicing", "manual__dry", "success", {"would_invoice": 3}, {}, dry_run=True)
    jwt = token("viewer")
    flows = receiver.client.get("/api/tenants/andes_outdoor/health", headers={"Authorization": f"Bearer {jwt}"},
                                params={"limit": 5}).json()["flows"]
    runs = flows["invoicing"]["runs"]
    assert [run["run_id"] for run in runs] == ["scheduled__2", "scheduled__1"]
    assert runs[1]["counts"] == {"failed": 18} and runs[1]["link"] == "/dags/andes_outdoor__invoicing/runs/scheduled__1"
    assert flows["invoicing"]["last_dry_run"]["run_id"] == "manual__dry"
    assert flows["invoicing"]["last_dry_run"]["link"] == "/dags/andes_outdoor__preview/runs/manual__dry"
    overview = receiver.client.get("/ops.json", headers={"Authorization": f"Bearer {jwt}"}).json()
    assert overview["tenants"]["andes_outdoor"]["invoicing"]["run_id"] == "scheduled__2"  # not the dry run
    hidden = receiver.client.get("/api/tenants/andes_outdoor/health",
                                 headers={"Authorization": f"Bearer {token('viewer', manager=reader_of('andes_sur'))}"})
    assert hidden.status_code == 404


def test_health_lists_the_open_incidents_until_they_clear(console):
    from puente.rules.incidents import Observation
    from puente.state.incidents import Incidents

    receiver, token = console
    incidents = Incidents()
    outage = Observation("vendor_outage", "invoicing/bsale_andes", 1, "Bsale answered 503 three times")
    assert incidents.open("andes_outdoor", outage)
    jwt = token("viewer")

    def listed() -> list[dict]:
        return receiver.client.get("/api/tenants/andes_outdoor/health",
                                   headers={"Authorization": f"Bearer {jwt}"}).json()["incidents"]

    [shown] = listed()
    assert (shown["key"], shown["count"], shown["summary"]) == (outage.key, 1, "Bsale answered 503 three times")
    assert incidents.clear("andes_outdoor", outage.key)
    assert listed() == []



def test_the_synced_products_list_pages_unmatched_and_unsupported_skus_with_reasons(console):
    receiver, token = console
    StateStore().save_links("andes_outdoor", "jumpseller_andes_outdoor", [
        {"sku": "A-1", "status": "linked", "source_id": "1", "product_id": "10", "listing_sku": "a-1",
         "match": "normalized"},
        {"sku": "B_2", "status": "source_only", "source_id": "2"},
        {"sku": "PACK-1", "status": "unsupported", "source_id": "3",
         "reason": "pack: the channel does not support packs"},
        *({"sku": f"WEB-{n:03d}", "status": "target_only", "product_id": str(n)} for n in range(120)),
    ], replace=True)
    jwt = token("viewer")

    def skus(**params):
        answer = receiver.client.get("/api/tenants/andes_outdoor/skus", params=params,
                                     headers={"Authorization": f"Bearer {jwt}"})
        assert answer.status_code == 200, answer.text
        return answer.json()

    unsupported = skus(status="unsupported")["skus"]
    assert [(r["sku"], r["reason"]) for r in unsupported] == [("PACK-1", "pack: the channel does not support packs")]
    only_web = skus(status="target_only", limit=100)
    assert only_web["total"] == 120 and only_web["next_offset"] == 100
    assert len(skus(status="target_only", limit=100, offset=100)["skus"]) == 20
    assert [r["sku"] for r in skus(sku="a-")["skus"]] == ["A-1"]  # the listing's spelling finds the link
    assert skus(sku="B%")["total"] == 0 and skus(sku="B_")["total"] == 1
    assert receiver.client.get("/api/tenants/andes_outdoor/skus", params={"status": "gone"},
                               headers={"Authorization": f"Bearer {jwt}"}).status_code == 422
