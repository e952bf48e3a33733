"""Webhook receiver: each tenant's own secret, hostile bodies as one-line 4xx, replays dropped.

Before the fix (hardening finding 2) one shared secret opened every tenant's URL, and malformed
JSON, a JSON list, an empty or form body and an unknown tenant answered 500.
"""

from __future__ import annotations

import logging

import pytest
from webhook_tenants import BROKEN_TENANT, EVENT, FACTO_TENANT, TOKENS, UNARMED_TENANT

ANDES = TOKENS["andes_outdoor"]


def test_stock_event_triggers_a_run_for_just_that_sku(receiver):
    answer = receiver.post("andes_outdoor", ANDES, json=EVENT)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "triggered"
    [(run_id, run)] = receiver.created.items()
    assert run == {"dag_id": "andes_outdoor__catalog_sync", "conf": {"skus": ["SKU-9"]}}
    assert run_id == "webhook__bsale__stock__3960__1717200000"


def test_redelivered_event_is_not_run_twice(receiver):
    receiver.post("andes_outdoor", ANDES, json=EVENT)
    again = receiver.post("andes_outdoor", ANDES, json=EVENT)
    assert again.json()["status"] == "duplicate"
    assert len(receiver.created) == 1


def test_unknown_variant_falls_back_to_a_full_sync(receiver):
    answer = receiver.post("andes_outdoor", ANDES, json=EVENT | {"resourceId": "1"})
    assert answer.json()["conf"] == {}


def test_non_catalog_topics_are_ignored(receiver):
    answer = receiver.post("andes_outdoor", ANDES, json=EVENT | {"topic": "payment"})
    assert answer.json()["status"] == "ignored"
    assert receiver.calls == 0


def test_each_tenant_has_its_own_secret(receiver):
    assert receiver.post("andes_sur", TOKENS["andes_sur"], json=EVENT).status_code == 200
    assert receiver.post("andes_sur", ANDES, json=EVENT).status_code == 401  # another tenant's token
    assert receiver.post("andes_outdoor", TOKENS["andes_sur"], json=EVENT).status_code == 401
    assert [run["dag_id"] for run in receiver.created.values()] == ["andes_sur__catalog_sync"]


@pytest.mark.parametrize(("tenant", "token", "status", "reason"), [
    ("andes_outdoor", "guess-guess-guess", 401, "bad or missing webhook token"),
    ("andes_outdoor", None, 401, "bad or missing webhook token"),
    (FACTO_TENANT, ANDES, 404, "tenant costa_libros has no bsale source"),
    (UNARMED_TENANT, ANDES, 403, "webhooks are not enabled"),
    (BROKEN_TENANT, ANDES, 409, "invalid configuration"),
    ("nobody", ANDES, 404, "unknown tenant"),
    ("Andes_Outdoor", ANDES, 404, "unknown tenant"),
    ("config_error__x", ANDES, 404, "unknown tenant"),
])
def test_who_may_call_is_checked_before_the_body(receiver, tenant, token, status, reason):
    answer = receiver.post(tenant, token, content=b"not even json")
    assert answer.status_code == status and reason in answer.json()["detail"]
    assert receiver.calls == 0


FORM = {"content": b"topic=stock&resourceId=1", "headers": {"content-type": "application/x-www-form-urlencoded"}}


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"content": b'{"topic": "stock", '}, 400, "body is not JSON"),
    ({"content": b"\xff\xfe\x00garbage"}, 400, "body is not JSON"),
    ({"json": [EVENT]}, 400, "expected a JSON object, got a JSON list"),
    ({"json": "stock"}, 400, "expected a JSON object, got a JSON str"),
    ({"content": b""}, 400, "empty body"),
    (FORM, 400, "body is not JSON"),
    ({"json": EVENT | {"resourceId": "3960/../../x"}}, 422, "resourceId: String should match pattern"),
    ({"json": EVENT | {"resourceId": "9" * 300}}, 422, "resourceId"),
    ({"json": EVENT | {"resourceId": {"$ne": 1}}}, 422, "resourceId"),
    ({"json": EVENT | {"topic": "stock__x"}}, 422, "topic"),
    ({"json": {k: v for k, v in EVENT.items() if k != "send"}}, 422, "send: Field required"),
    ({"json": EVENT | {"send": "yesterday"}}, 422, "send"),
    ({"content": b"{" * 100_000}, 400, "body is not JSON"),
])
def test_hostile_bodies_are_a_one_line_4xx_and_logged(receiver, caplog, body, status, reason):
    with caplog.at_level(logging.WARNING, logger="puente.webhooks"):
        answer = receiver.post("andes_outdoor", ANDES, **body)
    detail = answer.json()["detail"]
    assert answer.status_code == status and detail.startswith(reason), detail
    assert "\n" not in detail and len(detail) < 300
    assert receiver.calls == 0
    [line] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert f"refused {status}" in line and ANDES not in line


def test_a_body_over_one_megabyte_is_refused_before_it_is_read(receiver):
    answer = receiver.post("andes_outdoor", ANDES, content=b" " * (1024 * 1024 + 1))
    assert answer.status_code == 413

    def chunks():  # no Content-Length: the limit is applied while streaming
        for _ in range(40):
            yield b" " * 65536

    assert receiver.post("andes_outdoor", ANDES, content=chunks()).status_code == 413
    assert receiver.calls == 0


@pytest.mark.parametrize(("send", "status"), [
    (EVENT["send"] - 16 * 60, "stale"),  # a captured event re-sent later
    (EVENT["send"] + 6 * 60 + 30, "stale"),  # from the future
    (EVENT["send"] + 20, "duplicate"),  # same resource, same minute: the first run covers it
])
def test_replays_with_another_send_start_no_new_run(receiver, send, status):
    assert receiver.post("andes_outdoor", ANDES, json=EVENT).json()["status"] == "triggered"
    answer = receiver.post("andes_outdoor", ANDES, json=EVENT | {"send": send})
    assert (answer.status_code, answer.json()["status"]) == (200, status)
    assert len(receiver.created) == 1


def test_run_ids_stay_within_airflows_limits(receiver):
    answer = receiver.post("andes_outdoor", ANDES, json=EVENT | {"resourceId": 10**18 - 1, "topic": "variant"})
    run_id = answer.json()["run_id"]
    assert len(run_id) < 100 and run_id.replace("_", "").isalnum()


def test_a_dag_airflow_does_not_know_is_a_404(airflow_db):
    from puente.web.airflow_adapter import trigger_run
    from puente.web.webhook_input import Refused

    with pytest.raises(Refused) as refused:
        trigger_run("nobody__catalog_sync", "webhook__bsale__stock__1__0", {})
    assert refused.value.status == 404


def test_the_token_in_the_url_never_reaches_a_log(receiver, caplog):
    """The api-server logs every request with its query string (Airflow's HttpAccessLogMiddleware,
    which masks values of secret-looking keys); the parameter is called ``token`` so it is masked,
    and the receiver's own refusal lines never carry it either."""
    from airflow.api_fastapi.common.http_access_log import HttpAccessLogMiddleware
    from fastapi.testclient import TestClient
    from structlog.testing import capture_logs

    client = TestClient(HttpAccessLogMiddleware(receiver.client.app), raise_server_exceptions=False)
    caplog.set_level(logging.DEBUG)
    with capture_logs() as access:
        assert client.post(f"/webhooks/bsale/andes_outdoor?token={ANDES}", json=EVENT).status_code == 200
        assert client.post(f"/webhooks/bsale/andes_outdoor?token={ANDES}x", json=EVENT).status_code == 401
        assert client.post(f"/webhooks/bsale/andes_outdoor?token={ANDES}", content=b"[").status_code == 400
    requests = [entry for entry in access if entry.get("event") == "request finished"]
    assert len(requests) == 3 and all(entry["path"].startswith("/webhooks/bsale/") for entry in requests)
    assert ANDES not in repr(access) and ANDES not in caplog.text
    assert all(entry["query"] == "token=%2A%2A%2A" for entry in requests)


@pytest.mark.parametrize("vendor", ["facto", "nobody", "Bsale", "b%0Asale", "x" * 300])
def test_a_vendor_without_a_receiver_is_a_404(receiver, vendor):
    """Receivers come from the plug-ins that declare ``event_receiver``; any other path segment is refused."""
    answer = receiver.client.post(f"/webhooks/{vendor}/andes_outdoor?token={ANDES}", json=EVENT)
    assert answer.status_code == 404 and answer.json()["detail"] == "no webhooks for this vendor"
    assert receiver.calls == 0
