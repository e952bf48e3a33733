"""The Mercado Libre sandbox delivers order notifications to the application's callback URL over real
HTTP: Mercado Libre's shape, several per sale, retries with the same ``_id`` and ``received`` when the
callback does not answer 200 in time, and what ran out of retries served by ``/missed_feeds``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from puente_sandbox.common.callback_recorder import run_callback_recorder
from puente_sandbox.credentials import DEFAULT_MELI_CLIENT_ID, DEFAULT_MELI_CLIENT_SECRET, DEFAULT_MELI_REFRESH_TOKEN
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.mercadolibre import run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.seed import SELLER_ID

NEW_ORDER = 2000009000001
FAST_RETRIES = [0.05, 0.1, 0.1]


@pytest.fixture
def meli() -> Iterator[SandboxHandle]:
    with run_mercadolibre_sandbox(rate_limits=None) as handle:
        yield handle


def configure(meli: SandboxHandle, url: str, **extra) -> dict:
    return meli.inspect_post("notifications/config", {"callback_url": url, "retry_delays_s": FAST_RETRIES, **extra})


def a_sale(meli: SandboxHandle, order_id: int = NEW_ORDER) -> None:
    """A buyer buys and pays now (Mercado Pago): an order arrives paid."""
    like = meli.inspect_get("orders", status="paid")[0]["id"]
    meli.inspect_post("orders/arrive", {"like": like, "id": order_id,
                                        "date_created": datetime.now(UTC).isoformat(timespec="milliseconds")})


def deliveries(meli: SandboxHandle) -> list[dict]:
    return meli.inspect_get("notifications", wait=1)


def test_a_sale_is_notified_several_times_in_mercado_libres_shape():
    with run_callback_recorder() as callback, run_mercadolibre_sandbox(rate_limits=None) as meli:
        configure(meli, callback.url)
        a_sale(meli)
        meli.inspect_post(f"orders/{NEW_ORDER}", {"status": "cancelled"})
        bodies = callback.wait_for(3)
        assert len(bodies) == 3 and len({b["_id"] for b in bodies}) == 3
        for body in bodies:
            assert set(body) == {"_id", "resource", "user_id", "topic", "application_id", "attempts", "sent",
                                 "received"}
            assert body["resource"] == f"/orders/{NEW_ORDER}" and body["topic"] == "orders_v2"
            assert body["user_id"] == SELLER_ID and body["application_id"] == int(DEFAULT_MELI_CLIENT_ID)
            assert body["attempts"] == 1 and body["sent"].endswith("Z") and body["received"].endswith("Z")
            datetime.fromisoformat(body["sent"].replace("Z", "+00:00"))
        assert all(d["state"] == "delivered" for d in deliveries(meli))


def test_failed_and_slow_answers_are_retried_with_the_same_id_and_received():
    script = [(500, 0.0), (200, 0.8), (200, 0.0)]  # an error, then too slow (over 500 ms), then fine
    with run_callback_recorder(script) as callback, run_mercadolibre_sandbox(rate_limits=None) as meli:
        configure(meli, callback.url, topics=["orders_v2"])
        meli.inspect_post(f"orders/{meli.inspect_get('orders')[0]['id']}", {"status": "cancelled"})
        bodies = callback.wait_for(3)
        [delivery] = deliveries(meli)
    assert [b["attempts"] for b in bodies] == [1, 2, 3]
    assert len({b["_id"] for b in bodies}) == 1 and len({b["received"] for b in bodies}) == 1
    assert bodies[0]["sent"] <= bodies[1]["sent"] <= bodies[2]["sent"]
    assert delivery["state"] == "delivered"
    assert [a.get("status", a.get("error")) for a in delivery["attempts"]] == [500, "ReadTimeout", 200]


def test_a_callback_that_never_answers_200_is_missed_and_served_by_missed_feeds():
    with run_callback_recorder([(503, 0.0)]) as callback, run_mercadolibre_sandbox(rate_limits=None) as meli:
        configure(meli, callback.url)
        a_sale(meli)
        callback.wait_for(2 * (1 + len(FAST_RETRIES)))
        assert {d["state"] for d in deliveries(meli)} == {"missed"}
        token = requests.post(meli.url("/oauth/token"), timeout=10, data={
            "grant_type": "refresh_token", "client_id": DEFAULT_MELI_CLIENT_ID,
            "client_secret": DEFAULT_MELI_CLIENT_SECRET, "refresh_token": DEFAULT_MELI_REFRESH_TOKEN,
        }).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        missed = requests.get(meli.url("/missed_feeds"), headers=auth, timeout=10,
                              params={"app_id": DEFAULT_MELI_CLIENT_ID, "topic": "orders_v2"}).json()
        foreign = requests.get(meli.url("/missed_feeds"), headers=auth, timeout=10, params={"app_id": "1"})
        anonymous = requests.get(meli.url("/missed_feeds"), timeout=10, params={"app_id": DEFAULT_MELI_CLIENT_ID})
    assert missed["total"] == 2 and {m["resource"] for m in missed["messages"]} == {f"/orders/{NEW_ORDER}"}
    assert all(m["attempts"] == 1 + len(FAST_RETRIES) for m in missed["messages"])
    assert foreign.status_code == 403 and anonymous.status_code == 401


def test_nothing_is_sent_without_a_callback_or_for_topics_the_app_does_not_listen_to(meli):
    a_sale(meli)
    assert deliveries(meli) == []
    with run_callback_recorder() as callback:
        configure(meli, callback.url, topics=["items"])
        a_sale(meli, NEW_ORDER + 1)
        assert deliveries(meli) == [] and callback.bodies() == []


def test_bad_settings_are_a_400(meli):
    answer = requests.post(meli.url("/_sandbox/notifications/config"), json={"topics": "orders_v2"}, timeout=10)
    assert answer.status_code == 400 and "topics" in answer.json()["detail"]
