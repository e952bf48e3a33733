"""The dry-run guard's decisions that need no Airflow: which requests it looks at, what it answers.

The guard against a real api-server, scheduler and both orders of the form's requests is
tests/integration/test_dry_run_trap.py.
"""

import asyncio

import pytest

from puente.web import dry_run_guard
from puente.web.dry_run_guard import DryRunGuard, asks_dry_run, flow_dag, refusal_text, unpauses

TENANT = """tenant: acme
name: Acme
timezone: America/Santiago
erp: {vendor: bsale, conn_id: acme_bsale, office_id: 1, price_list_id: 2}
channels:
  - {vendor: jumpseller, conn_id: acme_jumpseller}
"""


@pytest.mark.parametrize("body, expected", [
    (b'{"conf": {"dry_run": true}}', True),
    (b'{"conf": {"dry_run": 1, "order_ids": []}}', True),
    (b'{"conf": {"dry_run": false}}', False),
    (b'{"conf": {}}', False),
    (b'{"conf": null}', False),
    (b'{"dry_run": true}', False),  # not the run's conf: Airflow rejects the field itself
    (b'[1, 2]', False),
    (b'not json', False),
    (b'', False),
])
def test_only_a_conf_asking_dry_run_is_a_dry_run_request(body, expected):
    assert asks_dry_run(body) is expected


@pytest.mark.parametrize("body, expected", [
    (b'{"is_paused": false}', True), (b'{"is_paused": true}', False), (b'{"is_paused": 0}', False),
    (b'{}', False), (b'garbage', False)])
def test_only_an_explicit_false_unpauses(body, expected):
    assert unpauses(body) is expected


def test_flow_dags_are_the_scheduled_flows_of_tenants_with_a_file(monkeypatch, tmp_path):
    (tmp_path / "acme.yaml").write_text(TENANT)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    assert flow_dag("acme__invoicing") == ("acme", "invoicing")
    assert flow_dag("acme__catalog_sync") == ("acme", "catalog_sync")
    assert flow_dag("acme__preview") is None  # dry runs are what it is for
    assert flow_dag("acme__decisions") is None
    assert flow_dag("ghost__invoicing") is None  # not a Puente tenant: someone else's DAG
    assert flow_dag("invoicing") is None


def test_the_refusal_names_the_preview_dag_and_what_was_undone():
    plain = refusal_text("acme__invoicing", "acme", [], [], repaused=False)
    assert plain.startswith("acme__invoicing has no dry run: nothing was started. Preview in acme__preview")
    assert "paused again" not in plain
    undone = refusal_text("acme__invoicing", "acme", ["scheduled__2026-12-07T20:00:00+00:00"], [], repaused=True)
    assert "was paused again" in undone and "scheduled__2026-12-07T20:00:00+00:00" in undone
    late = refusal_text("acme__invoicing", "acme", [], ["scheduled__x"], repaused=True)
    assert "had already started and was stopped (marked failed): scheduled__x" in late


def _call(guard: DryRunGuard, method: str, path: str, body: bytes) -> tuple[list, bytes]:
    """One request through the guard to an app that echoes the body it received."""
    seen: list = []

    async def app(scope, receive, send):
        message = await receive()
        seen.append(message["body"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guard.app = app
    chunks = [body[:5], body[5:]]

    async def receive():
        part = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": part, "more_body": bool(chunks)}

    sent: list = []

    async def send(message):
        sent.append(message)

    asyncio.run(guard({"type": "http", "method": method, "path": path, "headers": []}, receive, send))
    return sent, b"".join(seen)


def test_other_requests_pass_untouched_with_their_whole_body(monkeypatch, tmp_path):
    (tmp_path / "acme.yaml").write_text(TENANT)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))
    guard = DryRunGuard(None)
    body = b'{"conf": {"order_ids": ["1"]}}'
    sent, received = _call(guard, "POST", "/api/v2/dags/acme__invoicing/dagRuns", body)
    assert sent[0]["status"] == 204 and received == body  # read for the check, replayed whole
    sent, received = _call(guard, "POST", "/api/v2/dags/other_dag/dagRuns", b'{"conf": {"dry_run": true}}')
    assert sent[0]["status"] == 204 and received.startswith(b'{"con')  # not a flow DAG: not read at all


def test_a_dry_run_request_without_a_user_is_left_to_airflow(monkeypatch, tmp_path):
    (tmp_path / "acme.yaml").write_text(TENANT)
    monkeypatch.setenv("PUENTE_TENANTS_DIR", str(tmp_path))

    async def nobody(scope):
        return None

    monkeypatch.setattr(dry_run_guard, "_user", nobody)
    sent, received = _call(DryRunGuard(None), "POST", "/api/v2/dags/acme__invoicing/dagRuns",
                           b'{"conf": {"dry_run": true}}')
    assert sent[0]["status"] == 204 and received == b'{"conf": {"dry_run": true}}'  # Airflow answers 401
