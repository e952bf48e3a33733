"""Mercado Libre sandbox contract over real HTTP: OAuth refresh rotation, orders search, shipments, errors, 429."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.mercadolibre import run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.seed import LEGACY_SKU_ITEM, NO_SKU_ITEM, SELLER_ID, VARIATION_ITEM

APP = {"client_id": DEFAULT_MELI_CLIENT_ID, "client_secret": DEFAULT_MELI_CLIENT_SECRET}


class Clock:
    """The sandbox's ``now``, moved by tests (token expiry, 12-month history)."""

    def __init__(self) -> None:
        self.value = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def meli(clock: Clock) -> Iterator[SandboxHandle]:
    with run_mercadolibre_sandbox(now=clock) as handle:
        yield handle


def refresh(sandbox: SandboxHandle, refresh_token: str = DEFAULT_MELI_REFRESH_TOKEN, **extra: str) -> requests.Response:
    body = {"grant_type": "refresh_token", **APP, "refresh_token": refresh_token, **extra}
    return requests.post(sandbox.url("/oauth/token"), data=body, timeout=10)


@pytest.fixture
def api(meli: SandboxHandle) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {refresh(meli).json()['access_token']}"
    return session


def search(api: requests.Session, sandbox: SandboxHandle, **params: object) -> requests.Response:
    return api.get(sandbox.url("/orders/search"), params={"seller": SELLER_ID, **params}, timeout=10)


def assert_meli_error(response: requests.Response, status: int, error: str) -> dict:
    body = response.json()
    assert response.status_code == status and body["status"] == status and body["error"] == error, body
    assert set(body) >= {"error", "status", "cause"} and isinstance(body["cause"], list)
    return body


# --------------------------------------------------------------------------------------- auth
def test_refresh_answers_a_6h_token_and_rotates_the_single_use_refresh_token(meli: SandboxHandle) -> None:
    first = refresh(meli)
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "user_id", "refresh_token"}
    assert (body["token_type"], body["expires_in"], body["user_id"]) == ("Bearer", 21600, SELLER_ID)
    assert body["access_token"].startswith("APP_USR-") and body["refresh_token"].startswith("TG-")
    assert body["refresh_token"] != DEFAULT_MELI_REFRESH_TOKEN
    reused = refresh(meli)  # the old refresh token stopped working
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert set(reused.json()) == {"error", "error_description", "status", "cause"}
    second = refresh(meli, body["refresh_token"])
    assert second.status_code == 200 and second.json()["refresh_token"] != body["refresh_token"]
    assert meli.inspect_get("tokens")["live_refresh_tokens"] == [second.json()["refresh_token"]]


def test_token_endpoint_refusals(meli: SandboxHandle) -> None:
    assert refresh(meli, client_secret="wrong").json()["error"] == "invalid_client"
    assert refresh(meli, grant_type="password").json()["error"] == "unsupported_grant_type"
    assert requests.post(meli.url("/oauth/token"), data={}, timeout=10).json()["error"] == "invalid_request"
    assert refresh(meli).status_code == 200  # refusals did not spend the refresh token


def test_authorization_code_grant_after_a_new_consent(meli: SandboxHandle) -> None:
    grant = meli.inspect_post("authorize")
    form = {"grant_type": "authorization_code", **APP, "code": grant["code"], "redirect_uri": grant["redirect_uri"]}
    assert requests.post(meli.url("/oauth/token"), data=form, timeout=10).status_code == 200
    again = requests.post(meli.url("/oauth/token"), data=form, timeout=10)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_missing_invalid_and_expired_tokens_are_401(meli: SandboxHandle, api: requests.Session, clock: Clock) -> None:
    assert_meli_error(requests.get(meli.url("/users/me"), timeout=10), 401, "unauthorized")
    bad = requests.get(meli.url("/users/me"), headers={"Authorization": "Bearer APP_USR-nope"}, timeout=10)
    assert assert_meli_error(bad, 401, "not_found")["message"] == "invalid access token"
    me = api.get(meli.url("/users/me"), timeout=10).json()
    assert (me["id"], me["site_id"], me["nickname"]) == (SELLER_ID, "MCO", "PUENTETIENDACO")
    clock.value += timedelta(hours=6)
    assert_meli_error(api.get(meli.url("/users/me"), timeout=10), 401, "not_found")


def test_forced_expiry_from_the_inspection_routes(meli: SandboxHandle, api: requests.Session) -> None:
    assert meli.inspect_post("tokens/expire") == {"expired": 1}
    assert api.get(meli.url("/users/me"), timeout=10).status_code == 401


# ------------------------------------------------------------------------------------- orders
def test_search_pages_with_offset_limit_and_paging(meli: SandboxHandle, api: requests.Session) -> None:
    everything = meli.inspect_get("orders")
    first = search(api, meli, limit=100).json()
    assert first["paging"] == {"total": len(everything), "offset": 0, "limit": 50}  # clamped to 50
    assert set(first) >= {"query", "results", "sort", "paging", "filters", "available_sorts"}
    ids: list[int] = []
    for page in range(math.ceil(len(everything) / 50)):
        ids += [o["id"] for o in search(api, meli, offset=page * 50, limit=50).json()["results"]]
    assert ids == [o["id"] for o in everything]  # date_asc by default
    desc = search(api, meli, sort="date_desc", limit=5).json()
    assert [o["id"] for o in desc["results"]] == [o["id"] for o in reversed(everything)][:5]
    assert_meli_error(search(api, meli, offset=10_001), 400, "bad_request")
    assert_meli_error(search(api, meli, limit="x"), 400, "bad_request")


def test_search_filters_status_and_hour_granular_dates(meli: SandboxHandle, api: requests.Session) -> None:
    everything = meli.inspect_get("orders")
    cancelled = search(api, meli, **{"order.status": "cancelled"}).json()
    assert cancelled["paging"]["total"] == sum(o["status"] == "cancelled" for o in everything) > 0
    assert {o["status"] for o in cancelled["results"]} == {"cancelled"}
    target = everything[40]
    created = datetime.fromisoformat(target["date_created"])
    hour = created.replace(minute=0, second=0, microsecond=0)
    window = {  # minutes are dropped: from 10:59 means 10:00, to 10:01 means 10:00 (inclusive)
        "order.date_created.from": (hour + timedelta(minutes=59)).isoformat(timespec="milliseconds"),
        "order.date_created.to": (hour + timedelta(minutes=1)).isoformat(timespec="milliseconds"),
    }
    found = [o["id"] for o in search(api, meli, **window).json()["results"]]
    same_hour = [
        o["id"] for o in everything if datetime.fromisoformat(o["date_created"]).replace(minute=0, second=0) == hour
    ]
    assert target["id"] in found and found == same_hour
    assert_meli_error(search(api, meli, **{"order.status": "lost"}), 400, "bad_request")
    assert_meli_error(search(api, meli, **{"order.date_created.from": "ayer"}), 400, "bad_request")


def test_search_needs_the_tokens_own_seller_and_keeps_12_months(meli, api, clock) -> None:
    assert_meli_error(api.get(meli.url("/orders/search"), timeout=10), 400, "bad_request")
    denied = search(api, meli, seller=999)
    assert denied.status_code == 403 and denied.json()["code"] == "FORBIDDEN"
    clock.value = datetime(2027, 8, 1, tzinfo=UTC)
    meli.inspect_post("tokens/expire")
    api.headers["Authorization"] = (
        "Bearer " + refresh(meli, meli.inspect_get("tokens")["live_refresh_tokens"][0]).json()["access_token"]
    )
    later = search(api, meli).json()["paging"]["total"]
    assert 0 < later < len(meli.inspect_get("orders"))  # July 2026 fell out of the 12 months


def test_order_fields_skus_and_variations(meli: SandboxHandle, api: requests.Session) -> None:
    order = api.get(meli.url(f"/orders/{meli.inspect_get('orders')[0]['id']}"), timeout=10).json()
    assert {"id", "status", "date_created", "total_amount", "currency_id", "order_items", "buyer", "shipping",
            "pack_id", "payments", "seller"} <= set(order)  # fmt: skip
    assert order["currency_id"] == "COP" and order["date_created"].endswith("-04:00")
    assert order["total_amount"] == sum(i["quantity"] * i["unit_price"] for i in order["order_items"])
    items = [i["item"] for o in meli.inspect_get("orders") for i in o["order_items"]]
    assert {i["id"] for i in items if i["seller_sku"] is None} == {NO_SKU_ITEM, LEGACY_SKU_ITEM}
    assert all(i["seller_custom_field"] for i in items if i["id"] == LEGACY_SKU_ITEM)
    assert all(i["variation_id"] for i in items if i["id"] == VARIATION_ITEM)
    assert set(order["buyer"]) >= {"id", "nickname"} and "email" not in order["buyer"]
    assert_meli_error(api.get(meli.url("/orders/1"), timeout=10), 404, "not_found")


def test_shipments_carry_logistic_type(meli: SandboxHandle, api: requests.Session) -> None:
    orders = meli.inspect_get("orders")
    assert {o["_logistic_type"] for o in orders} >= {"fulfillment", "cross_docking", "drop_off", None}
    full = next(o for o in orders if o["_logistic_type"] == "fulfillment")
    url = meli.url(f"/shipments/{full['shipping']['id']}")
    old = api.get(url, timeout=10).json()
    new = api.get(url, headers={"x-format-new": "true"}, timeout=10).json()
    assert old["logistic_type"] == new["logistic"]["type"] == "fulfillment" and "logistic" not in old
    assert full["id"] in new["order_ids"]
    packs = [o for o in orders if o["pack_id"]]
    assert len(packs) == 2 and len({o["shipping"]["id"] for o in packs}) == 1
    assert_meli_error(api.get(meli.url("/shipments/123"), timeout=10), 404, "not_found")


def test_billing_info_v1_v2_and_by_id(meli: SandboxHandle, api: requests.Session) -> None:
    order = meli.inspect_get("orders")[0]
    v2 = api.get(meli.url(f"/orders/{order['id']}/billing_info"), headers={"x-version": "2"}, timeout=10).json()
    ident = v2["buyer"]["billing_info"]["identification"]
    assert v2["site_id"] == "MCO" and ident["type"] in {"CC", "NIT"} and ident["number"].isdigit()
    v1 = api.get(meli.url(f"/orders/{order['id']}/billing_info"), timeout=10).json()["billing_info"]
    assert (v1["doc_type"], v1["doc_number"]) == (ident["type"], ident["number"])
    by_id = api.get(meli.url(f"/orders/billing-info/MCO/{order['buyer']['billing_info']['id']}"), timeout=10)
    assert by_id.json() == v2


def test_rate_limit_answers_429_in_meli_shape() -> None:
    with run_mercadolibre_sandbox(rate_limits=((3, 60.0),)) as sandbox:
        answers = [requests.get(sandbox.url("/users/me"), timeout=10) for _ in range(4)]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert answers[-1].json() == {"message": "Too many requests", "error": "too_many_requests", "status": 429,
                                      "cause": []}  # fmt: skip
        assert "Retry-After" not in answers[-1].headers  # none documented
        assert sandbox.counters()["rate_limited"] == 1
