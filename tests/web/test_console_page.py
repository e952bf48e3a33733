"""The console page in Airflow's navigation: served behind the login like every console route, its assets
only from the allow-list, and ``/api/me`` telling the page which tenants the user may act on."""

from __future__ import annotations

from test_console_auth import OnlyAndesOutdoor, console

from puente.web.console_page import ASSETS

__all__ = ["console"]


def test_the_page_and_its_assets_come_with_the_ui_cookie_and_never_without(console):
    receiver, token = console
    jwt = token("viewer")
    page = receiver.client.get("/console", cookies={"_token": jwt})
    assert page.status_code == 200 and "Puente operations" in page.text
    assert 'src="console/assets/console.js"' in page.text  # relative: works under any base URL
    for name, media_type in ASSETS.items():
        asset = receiver.client.get(f"/console/assets/{name}", cookies={"_token": jwt})
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(media_type), name
    assert receiver.client.get("/console/assets/console.html", cookies={"_token": jwt}).status_code == 404
    assert receiver.client.get("/console/assets/..%2Fapp.py", cookies={"_token": jwt}).status_code == 404
    assert receiver.client.get("/console").status_code == 401
    assert receiver.client.get("/console/assets/console.js").status_code == 401


def test_me_says_who_and_where_they_may_act(console):
    receiver, token = console
    viewer = receiver.client.get("/api/me", headers={"Authorization": f"Bearer {token('viewer')}"}).json()
    assert viewer["user"] == "ana-viewer"
    assert {"tenant": "andes_outdoor", "edit": False} in viewer["tenants"]
    user = receiver.client.get("/api/me", headers={"Authorization": f"Bearer {token('user')}"}).json()
    assert {"tenant": "andes_outdoor", "edit": True} in user["tenants"]
    restricted = receiver.client.get("/api/me", headers={"Authorization": f"Bearer {token('user', OnlyAndesOutdoor)}"})
    assert [t["tenant"] for t in restricted.json()["tenants"]] == ["andes_outdoor"]


def test_the_plugin_puts_the_console_in_airflows_navigation():
    from puente_plugin import PuentePlugin

    (view,) = PuentePlugin.external_views
    assert view["destination"] == "nav" and view["url_route"] == "puente" and view["href"] == "/puente/console"
