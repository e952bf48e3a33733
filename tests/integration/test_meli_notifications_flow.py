"""A Mercado Libre sale, notified by the sandbox over real HTTP to Puente's webhook route (uvicorn),
becomes the planned invoicing run, and that run (a real DAG run) invoices exactly that order in Siigo.

The route is Puente's own app (``puente.web.app.create_app``) with a trigger that records the runs
it asks for (the Airflow API trigger is exercised by the live Airflow tests; the durable inbox will
replace it), so this checks the contract end to end: the sandbox's notifications (several per sale,
Mercado Libre's shape) -> the receiver's checks -> one ``Planned`` per order and minute -> a run
whose ``conf`` invoices the order once, and a notification for an order that is not paid plans a run
that invoices nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from dag_runs import run
from test_mercadolibre_siigo import NOW, connections, invoices_per_order, link_skus, sandboxes
from test_mercadolibre_siigo import TENANT as TENANT_TEMPLATE

from puente.web.app import create_app
from puente_sandbox.mercadolibre.seed import SELLER_ID, meli_timestamp
from puente_sandbox.server import serve_in_thread

pytestmark = pytest.mark.integration

TENANT = "co_meli_hooks"
TOKEN = "co-meli-hooks-secret-0001"
NEW_ORDER = 2000009100001


def minute_of(stamp: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()) // 60 * 60


def test_a_notified_sale_is_invoiced_once_through_the_planned_run(tenant_from, fernet_key):
    with sandboxes(n_orders=12) as (siigo, astro, meli):
        conns = connections(TENANT, siigo, meli, astro)
        conns[f"{TENANT}_meli"]["extra"] |= {"seller_id": SELLER_ID, "webhook_token": TOKEN}
        dags = tenant_from(TENANT, TENANT_TEMPLATE.format(tenant=TENANT, full="false", extra=""), conns)
        link_skus(dags, TENANT)
        planned: dict[str, dict] = {}

        def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
            if run_id in planned:
                return False
            planned[run_id] = {"dag_id": dag_id, "conf": conf}
            return True

        with serve_in_thread(create_app(trigger=trigger)) as puente:
            callback = f"{puente}/webhooks/mercadolibre/{TENANT}?token={TOKEN}"
            meli.inspect_post("notifications/config", {"callback_url": callback, "topics": ["orders_v2"],
                                                       "timeout_s": 5, "retry_delays_s": [0.2, 0.5, 1]})
            like = next(o for o in meli.inspect_get("orders", status="paid") if o["_logistic_type"] != "fulfillment"
                        and all((e["item"].get("seller_sku") or "").startswith("SKU-") for e in o["order_items"]))
            created = meli_timestamp(NOW - timedelta(hours=1))
            meli.inspect_post("orders/arrive", {"like": like["id"], "id": NEW_ORDER, "date_created": created})
            unpaid = NEW_ORDER + 1
            meli.inspect_post("orders/arrive", {"like": like["id"], "id": unpaid, "date_created": created})
            meli.inspect_post(f"orders/{unpaid}", {"status": "payment_required"})
            deliveries = meli.inspect_get("notifications", wait=1)

        # the paid sale: created + paid; the other: the same two, then its change to payment_required
        assert [d["state"] for d in deliveries] == ["delivered"] * 5
        minutes = {minute_of(d["received"]) for d in deliveries if d["resource"] == f"/orders/{NEW_ORDER}"}
        ours = {run_id: p for run_id, p in planned.items() if f"__{NEW_ORDER}__" in run_id}
        assert len(ours) == len(minutes)  # the sale's two notifications share a run (unless a minute turned)
        assert {p["dag_id"] for p in planned.values()} == {f"{TENANT}__invoicing"}
        confs = {p["conf"]["order_ids"][0]: p["conf"] for p in planned.values()}
        assert confs == {str(order_id): {"order_ids": [str(order_id)], "channel": f"{TENANT}_meli"}
                         for order_id in (NEW_ORDER, unpaid)}

        for conf in confs.values():  # the planned runs, as Airflow would start them
            assert run(dags["invoicing"], **conf) == "success"
        assert run(dags["invoicing"], **confs[str(NEW_ORDER)]) == "success"  # a later notification's run
        per_order = invoices_per_order(siigo)
        assert per_order.get(str(NEW_ORDER)) == 1 and str(unpaid) not in per_order
        # a channel the tenant does not have is refused, not silently a run that reads nothing
        assert run(dags["invoicing"], order_ids=[str(NEW_ORDER)], channel="no_such_channel") == "failed"
