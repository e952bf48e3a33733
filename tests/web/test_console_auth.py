"""The console behind Airflow's login: every plugin route but the vendor webhooks answers 401 without
a user and 403 with a forged token; a user sees only the tenants (and broken files) whose DAGs they
may read. Users and tokens come from Airflow's own SimpleAuthManager, signed as the api-server signs."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from webhook_tenants import BROKEN_TENANT, make_receiver

from puente.state.store import StateStore

SIMPLE = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"


def reader_of(tenant: str):
    """An auth manager factory (SimpleAuthManager underneath) whose users may read one tenant's DAGs only."""

    def make(*args, **kwargs):
        from airflow.api_fastapi.auth.managers.simple.simple_auth_manager import SimpleAuthManager

        class Restricted(SimpleAuthManager):
            def is_authorized_dag(self, *, method, user, access_entity=None, details=None):
                return bool(details and details.id and details.id.startswith(f"{tenant}__"))

        return Restricted(*args, **kwargs)

    return make


OnlyAndesOutdoor = reader_of("andes_outdoor")


@pytest.fixture
def console(monkeypatch, tmp_path, airflow_db):
    """(receiver, token(role, manager)) with Airflow's auth manager initialised as the api-server does
    (tokens are checked against the metadata database's revoked tokens, so it must exist)."""
    from airflow.api_fastapi import app as airflow_app
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    receiver = make_receiver(monkeypatch, tmp_path)
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "console-test-jwt-secret-0123456789abcdef")

    def token(role: str = "viewer", manager=None) -> str:
        airflow_app._AuthManagerState.instance = manager() if manager else None
        monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER", SIMPLE)
        auth_manager = airflow_app.init_auth_manager() if manager is None else airflow_app._AuthManagerState.instance
        return auth_manager.generate_jwt(SimpleAuthManagerUser(username=f"ana-{role}", role=role))

    yield receiver, token
    airflow_app._AuthManagerState.instance = None


def console_routes(app) -> list[tuple[str, str]]:
    """(method, path with sample ids) of every route but the vendor webhooks."""
    return [(method, route.path.replace("{tenant}", "andes_outdoor").replace("{order_id}", "101"))
            for route in app.routes if isinstance(route, APIRoute) and not route.path.startswith("/webhooks/")
            for method in sorted(route.methods)]


def test_every_console_route_needs_a_logged_in_airflow_user(console):
    receiver, token = console
    routes = console_routes(receiver.client.app)
    assert {("GET", "/ops"), ("GET", "/ops.json"), ("GET", "/api/attention"),
            ("POST", "/api/tenants/andes_outdoor/orders/101/invoice")} <= set(routes)
    token()  # the auth manager exists, as in the api-server
    for method, path in routes:
        send = receiver.client.request
        assert send(method, path, json={}).status_code == 401, path
        forged = send(method, path, json={}, headers={"Authorization": "Bearer not.a.jwt"})
        assert forged.status_code == 403, path
        assert send(method, path, json={}, cookies={"_token": "not.a.jwt"}).status_code == 403, path


def test_a_viewer_sees_every_tenant_and_the_ui_cookie_works_like_the_header(console):
    receiver, token = console
    StateStore().write_report("andes_outdoor", "catalog_sync", "r1", "failed", {"pushed_stock": 3},
                              {"failures": ["<b>SKU-1</b>: refused"]})
    jwt = token("viewer")
    data = receiver.client.get("/ops.json", headers={"Authorization": f"Bearer {jwt}"}).json()
    assert data["tenants"]["andes_outdoor"]["catalog_sync"]["counts"] == {"pushed_stock": 3}
    assert {"andes_outdoor", "andes_sur"} <= set(data["tenants"])
    assert any(error["file"] == f"{BROKEN_TENANT}.yaml" for error in data["config_errors"])
    page = receiver.client.get("/ops", cookies={"_token": jwt}).text
    assert "&lt;b&gt;SKU-1&lt;/b&gt;" in page and "<b>SKU-1</b>" not in page


def test_a_user_sees_only_the_tenants_whose_dags_they_may_read(console):
    receiver, token = console
    jwt = token("viewer", manager=OnlyAndesOutdoor)
    data = receiver.client.get("/ops.json", headers={"Authorization": f"Bearer {jwt}"}).json()
    assert list(data["tenants"]) == ["andes_outdoor"]
    assert data["config_errors"] == []


def test_webhooks_stay_public_they_check_the_vendors_own_secret(console):
    receiver, _ = console
    assert receiver.post("andes_outdoor", "wrong-token", json={}).status_code == 401  # the receiver's refusal
