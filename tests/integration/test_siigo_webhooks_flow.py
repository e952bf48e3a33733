"""Siigo -> Astroselling near real time: Puente's registrar subscribes the tenant in the Siigo sandbox,
a stock change there is delivered over real HTTP to Puente's webhook route (uvicorn, mounted at
``/puente`` as the Airflow plugin mounts it), the receiver plans a catalog sync of that one SKU, and
that run (a real DAG run) puts the new stock on Astroselling and touches no other listing."""

from __future__ import annotations

import json
import os

import pytest
from dag_runs import run
from fastapi import FastAPI
from test_siigo_astroselling import sandboxes, tenant_dags

from puente.config.loader import load_tenants, tenant_paths
from puente.connectors import registry
from puente.web.app import URL_PREFIX, create_app
from puente_sandbox.server import serve_in_thread

pytestmark = pytest.mark.integration

TENANT = "co_siigo_hooks"
TOKEN = "co-siigo-hooks-secret-0001"
SKU, NEW_STOCK = "SKU-0003", 37


def astro_listings(astro) -> dict[str, dict]:
    return {p["sku"]: p for listed in astro.inspect_get("/_sandbox/products").values() for p in listed}


def test_a_stock_change_in_siigo_reaches_astroselling_through_its_webhook(tenant_from, monkeypatch):
    with sandboxes(n_orders=6) as (siigo, astro):
        dags = tenant_dags(tenant_from, TENANT, siigo, astro, dian=False)
        conn_var = f"AIRFLOW_CONN_{TENANT.upper()}_SIIGO"
        fields = json.loads(os.environ[conn_var])
        fields["extra"] |= {"webhook_token": TOKEN}
        monkeypatch.setenv(conn_var, json.dumps(fields))
        assert run(dags["catalog_sync"]) == "success"  # the hourly sync: links every SKU, converges
        before = astro_listings(astro)
        assert before[SKU]["stock"] != NEW_STOCK
        planned: dict[str, dict] = {}

        def trigger(dag_id: str, run_id: str, conf: dict) -> bool:
            if run_id in planned:
                return False
            planned[run_id] = {"dag_id": dag_id, "conf": conf}
            return True

        airflow = FastAPI()
        airflow.mount(URL_PREFIX, create_app(trigger=trigger))
        with serve_in_thread(airflow) as base_url:
            config = load_tenants(tenant_paths(TENANT)).tenants[TENANT]
            changes = registry.connector_class("webhook_registrar", "siigo")().register(config, base_url)
            assert {c.action for c in changes} == {"created"} and len(changes) == 3
            siigo.inspect_post(f"products/{SKU}/stock", {"quantity": NEW_STOCK, "warehouse_id": 1270})
            [delivery] = siigo.inspect_get("webhooks/deliveries", wait=1)
        assert delivery["state"] == "delivered" and delivery["attempts"][0]["status"] == 200

        [(run_id, plan)] = planned.items()
        assert plan == {"dag_id": f"{TENANT}__catalog_sync", "conf": {"skus": [SKU]}}
        assert run_id.startswith("webhook__siigo__stock__")
        writes = len(astro.writes())
        assert run(dags["catalog_sync"], **plan["conf"]) == "success"
        after = astro_listings(astro)
        assert after[SKU]["stock"] == NEW_STOCK
        assert {sku: p for sku, p in after.items() if sku != SKU} == {s: p for s, p in before.items() if s != SKU}
        assert len(astro.writes()) > writes
