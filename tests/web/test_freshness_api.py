"""How fresh a tenant's data is (the last authentic webhook event per source, each flow's last
successful run) and which tenant files are broken, with field and reason; each only for the users
who may read the tenant (or the broken file's placeholder DAG)."""

from __future__ import annotations

from datetime import UTC, datetime

from test_console_auth import OnlyAndesOutdoor, console, reader_of
from webhook_tenants import BROKEN_TENANT, EVENT, NOW, TOKENS

from puente.state.store import StateStore

__all__ = ["console"]


def get(receiver, jwt: str, path: str):
    return receiver.client.get(path, headers={"Authorization": f"Bearer {jwt}"})


def test_sources_show_the_last_authentic_event_and_each_flows_last_success(console):
    receiver, token = console
    jwt = token("viewer")
    before = get(receiver, jwt, "/api/tenants/andes_outdoor/sources").json()
    assert before["sources"] == [{"source": vendor, "webhooks": True, "last_event_at": None, "age_seconds": None,
                                  "topic": None, "outcome": None, "events": 0} for vendor in ("bsale", "jumpseller")]
    assert before["flows"]["catalog_sync"] == {"last_success_at": None, "age_seconds": None}

    assert receiver.post("andes_outdoor", TOKENS["andes_outdoor"], json=EVENT).json()["status"] == "triggered"
    assert receiver.post("andes_outdoor", TOKENS["andes_outdoor"], json=EVENT | {"topic": "payment"}).status_code == 200
    assert receiver.post("andes_outdoor", TOKENS["andes_outdoor"], json=EVENT | {"send": NOW - 86_400}).json()[
        "status"] == "stale"  # a replay says nothing about the source now: not counted
    assert receiver.post("andes_outdoor", "wrong-token", json=EVENT).status_code == 401  # not authentic: not counted
    store = StateStore()
    store.write_report("andes_outdoor", "catalog_sync", "r1", "success", {}, {})
    store.write_report("andes_outdoor", "catalog_sync", "r2", "failed", {}, {})
    store.write_report("andes_outdoor", "invoicing", "dry", "success", {}, {}, dry_run=True)  # a dry run is no proof

    after = get(receiver, jwt, "/api/tenants/andes_outdoor/sources").json()
    bsale, jumpseller = after["sources"]
    assert jumpseller["source"] == "jumpseller" and jumpseller["events"] == 0  # Bsale's events are Bsale's
    assert bsale["last_event_at"] == datetime.fromtimestamp(NOW, UTC).isoformat()
    assert (bsale["events"], bsale["outcome"], bsale["topic"], bsale["age_seconds"]) == (2, "ignored", "payment", 0)
    assert after["flows"]["catalog_sync"]["last_success_at"] is not None
    assert after["flows"]["invoicing"]["last_success_at"] is None
    other = get(receiver, jwt, "/api/tenants/andes_sur/sources").json()
    assert other["sources"][0]["events"] == 0  # per tenant


def test_sources_of_a_tenant_one_may_not_read_or_that_does_not_exist_are_the_same_404(console):
    receiver, token = console
    restricted = token("viewer", manager=OnlyAndesOutdoor)
    assert get(receiver, restricted, "/api/tenants/andes_sur/sources").status_code == 404
    assert get(receiver, restricted, "/api/tenants/andes_outdoor/sources").status_code == 200
    assert get(receiver, token("viewer"), "/api/tenants/ghost_store/sources").status_code == 404
    assert get(receiver, token("viewer"), "/api/tenants/Bad-Name/sources").status_code == 422


def test_config_errors_name_file_field_and_reason_for_those_who_may_read_them(console):
    receiver, token = console
    files = get(receiver, token("viewer"), "/api/config-errors").json()["files"]
    [broken] = [f for f in files if f["file"] == f"{BROKEN_TENANT}.yaml"]
    assert broken["dag_id"] == f"config_error__{BROKEN_TENANT}"
    assert broken["errors"] and all(set(e) == {"field", "reason"} and e["reason"] for e in broken["errors"])
    assert any(e["field"].startswith("erp") or e["field"] == "name" for e in broken["errors"]), broken
    assert get(receiver, token("viewer", manager=OnlyAndesOutdoor), "/api/config-errors").json()["files"] == []
    owner = token("viewer", manager=reader_of(BROKEN_TENANT))  # the tenant the file is named after
    assert [f["file"] for f in get(receiver, owner, "/api/config-errors").json()["files"]] == [f"{BROKEN_TENANT}.yaml"]
