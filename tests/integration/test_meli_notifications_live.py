"""Mercado Libre notifications against a real Airflow (tests/live_airflow.py: api-server + scheduler +
dag-processor): the Mercado Libre sandbox POSTs its notifications to the Puente plugin's route on the
api-server, the route triggers the invoicing run through Airflow, the scheduler runs it, and the sale
is invoiced in the Siigo sandbox exactly once; a foreign seller's notification triggers nothing.

The sandbox keeps Mercado Libre's 500 ms answer deadline, so the attempts' times are what Mercado
Libre would see from this route (printed; the durable inbox is meant to bring them down: today the
route triggers a DAG run before it answers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from cryptography.fernet import Fernet

from live_airflow import LiveAirflow, live_airflow
from puente_sandbox.credentials import (
    DEFAULT_MELI_CLIENT_ID,
    DEFAULT_MELI_CLIENT_SECRET,
    DEFAULT_MELI_REFRESH_TOKEN,
    DEFAULT_SIIGO_ACCESS_KEY,
    DEFAULT_SIIGO_PARTNER_ID,
    DEFAULT_SIIGO_USER,
)
from puente_sandbox.mercadolibre import generate_mercadolibre_data, run_mercadolibre_sandbox
from puente_sandbox.mercadolibre.seed import SELLER_ID, meli_timestamp
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox

pytestmark = pytest.mark.integration

TENANT, TOKEN = "it_meli_live", "it-meli-live-secret-0001"
INVOICING = f"{TENANT}__invoicing"
NEW_ORDER = 2000009200001
TENANT_FILE = f"""
tenant: {TENANT}
name: Meli live (test)
country: CO
timezone: America/Bogota
currency: COP
erp: {{vendor: siigo, conn_id: {TENANT}_siigo, seller_id: 629, document_type_id: 24446, payment_type_id: 5637,
       warehouse_id: 1270, products_warehouse_id: 1270, send_to_dian: false}}
channels:
  - {{vendor: mercadolibre, conn_id: {TENANT}_meli}}
flows:
  catalog_sync: {{enabled: false}}
  invoicing: {{enabled: true, auto_invoicing: false, retries: 0, chunk_size: 25, claim_lease_minutes: 0}}
"""


class Stack:
    def __init__(self, airflow: LiveAirflow, meli, siigo) -> None:
        self.airflow, self.meli, self.siigo = airflow, meli, siigo

    def invoices_for(self, order_id: int) -> int:
        return sum(f"Pedido {order_id} " in i["observations"]
                   for i in self.siigo.inspect_get("/_sandbox/invoices", origin="api"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    tenants = tmp_path_factory.mktemp("meli_live_tenants")
    (tenants / f"{TENANT}.yaml").write_text(TENANT_FILE)
    state_url = f"sqlite:///{tmp_path_factory.mktemp('meli_live_state') / 'state.db'}"
    with run_siigo_sandbox(generate_siigo_data(n_products=30), rate_limits=None) as siigo, \
            run_mercadolibre_sandbox(generate_mercadolibre_data(5, n_orders=8), rate_limits=None) as meli:  # fmt: skip
        env = {
            f"AIRFLOW_CONN_{TENANT.upper()}_SIIGO": json.dumps({
                "conn_type": "siigo", "host": siigo.base_url, "login": DEFAULT_SIIGO_USER,
                "password": DEFAULT_SIIGO_ACCESS_KEY,
                "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID, "rate_limit_per_minute": 0}}),
            f"AIRFLOW_CONN_{TENANT.upper()}_MELI": json.dumps({
                "conn_type": "mercadolibre", "host": meli.base_url, "login": DEFAULT_MELI_CLIENT_ID,
                "password": DEFAULT_MELI_CLIENT_SECRET,
                "extra": {"refresh_token": DEFAULT_MELI_REFRESH_TOKEN, "seller_id": SELLER_ID,
                          "webhook_token": TOKEN, "rate_limit_per_minute": 0}}),
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        }
        with live_airflow(tenants, state_url, env) as airflow:
            airflow.wait_for_dags(INVOICING)
            assert airflow.api("PATCH", f"/api/v2/dags/{INVOICING}", json={"is_paused": False}).status_code == 200
            yield Stack(airflow, meli, siigo)


def a_paid_sale(meli, order_id: int) -> None:
    like = next(o for o in meli.inspect_get("orders", status="paid") if o["_logistic_type"] != "fulfillment"
                and all((e["item"].get("seller_sku") or "").startswith("SKU-") for e in o["order_items"]))
    created = meli_timestamp(datetime.now(UTC) - timedelta(minutes=1))
    meli.inspect_post("orders/arrive", {"like": like["id"], "id": order_id, "date_created": created})


def test_a_notified_sale_is_invoiced_once_by_the_scheduler(stack):
    callback = f"{stack.airflow.base_url}/puente/webhooks/mercadolibre/{TENANT}?token={TOKEN}"
    stack.meli.inspect_post("notifications/config", {"callback_url": callback, "topics": ["orders_v2"],
                                                     "retry_delays_s": [0.5, 1, 2, 4, 8]})
    a_paid_sale(stack.meli, NEW_ORDER)
    deliveries = stack.meli.inspect_get("notifications", wait=1)
    print("attempt seconds:", [[a["seconds"] for a in d["attempts"]] for d in deliveries])
    assert [d["state"] for d in deliveries] == ["delivered", "delivered"]

    runs = [r for r in stack.airflow.runs(INVOICING) if r["dag_run_id"].startswith("webhook__mercadolibre__")]
    assert runs and all(r["conf"] == {"order_ids": [str(NEW_ORDER)], "channel": f"{TENANT}_meli"} for r in runs)
    for run in runs:
        finished = stack.airflow.wait_for_run(INVOICING, run["dag_run_id"])
        assert finished["state"] == "success", stack.airflow.task_states(INVOICING, run["dag_run_id"])
    assert stack.invoices_for(NEW_ORDER) == 1


def test_a_foreign_sellers_notification_triggers_nothing(stack):
    before = len(stack.airflow.runs(INVOICING))
    body = {"_id": "x", "resource": "/orders/2000009200099", "user_id": SELLER_ID + 1, "topic": "orders_v2",
            "application_id": int(DEFAULT_MELI_CLIENT_ID), "attempts": 1,
            "sent": datetime.now(UTC).isoformat(), "received": datetime.now(UTC).isoformat()}
    url = f"{stack.airflow.base_url}/puente/webhooks/mercadolibre/{TENANT}"
    forged = requests.post(url, params={"token": TOKEN}, json=body, timeout=30)
    wrong_token = requests.post(url, params={"token": "x" * 20}, json=body | {"user_id": SELLER_ID}, timeout=30)
    assert (forged.status_code, wrong_token.status_code) == (403, 401)
    assert len(stack.airflow.runs(INVOICING)) == before
