"""Siigo <- Mercado Libre (orders read directly from the seller's account) on real DAG runs
(``dag.test()``), both sandboxes on loopback.

Expectations are computed here from the sandboxes' own records with issue 4's rules, not from the
code under test: paid orders (the default ``order_statuses``) become one Siigo invoice each;
Mercado Libre Full orders (shipment ``logistic_type: fulfillment``) only with
``invoice_fulfillment_orders``; other statuses never enter the ledger; a SKU Siigo does not know
errs (``unlinked_sku``) unless the ERP's generic SKU is on.

How the SKUs get linked, and why this way: the invoicing flow knows a SKU only through the links
a catalog sync records (``store.links(tenant)`` with the ERP's product id), and the Siigo sink
``requires_linked_skus``. Mercado Libre is an order source only, never a catalog target, so
nothing links SKUs through it. The tenant here is the merchant who lists on Mercado Libre through
Astroselling (which syncs stock and prices from Siigo) and has Puente read the marketplace
orders directly: the catalog sync of that Astroselling account links the Siigo SKUs. Writing rows
with ``StateStore.save_links`` would be an API no merchant touches. The Astroselling account has
no orders of its own, so every invoice here comes from Mercado Libre.

Auth: Mercado Libre refresh tokens are single use. A run spends the connection's token and the
rotated one is kept Fernet-encrypted in the state DB; a later run in a fresh process (in-memory
token cache cleared) must authenticate with that stored token, and no token may reach the logs.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from dag_runs import run, run_invoicing
from test_siigo_astroselling import invoiced, invoices_per_order
from test_siigo_astroselling import ledger_outcomes as siigo_ledger_outcomes

from puente.state.store import StateStore
from puente.vendors.mercadolibre.hook import clear_token_cache
from puente_sandbox.astroselling import API_PREFIX, generate_astroselling_data, run_astroselling_sandbox
from puente_sandbox.credentials import (
    DEFAULT_ASTROSELLING_TOKEN,
    DEFAULT_MELI_CLIENT_ID,
    DEFAULT_MELI_CLIENT_SECRET,
    DEFAULT_MELI_REFRESH_TOKEN,
    DEFAULT_SIIGO_ACCESS_KEY,
    DEFAULT_SIIGO_PARTNER_ID,
    DEFAULT_SIIGO_USER,
)
from puente_sandbox.mercadolibre import generate_mercadolibre_data, run_mercadolibre_sandbox
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox

pytestmark = pytest.mark.integration

START, DAYS = date(2026, 7, 1), 20
NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)  # the sandbox's clock: the orders are within its 12 months
TENANT = """
tenant: {tenant}
name: Bogotá Marketplace (test)
country: CO
timezone: America/Bogota
currency: COP
erp: {{vendor: siigo, conn_id: {tenant}_siigo, seller_id: 629, document_type_id: 24446, payment_type_id: 5637,
       warehouse_id: 1270, products_warehouse_id: 1270, send_to_dian: false, {extra}}}
channels:
  - {{vendor: astroselling, conn_id: {tenant}_astro}}
  - {{vendor: mercadolibre, conn_id: {tenant}_meli, invoice_fulfillment_orders: {full}}}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: 0, retry_delay_seconds: 0, chunk_size: 25, claim_lease_minutes: 0}}
"""


def window(first: date, last: date) -> dict[str, str]:
    """Bogotá dates; the seed writes ``-04:00`` instants, so a day either side keeps every order in."""
    return {"date_from": (first - timedelta(days=1)).isoformat(), "date_to": (last + timedelta(days=1)).isoformat()}


WHOLE = window(START, START + timedelta(days=DAYS - 1))


@pytest.fixture
def fernet_key(monkeypatch) -> Iterator[str]:
    """Airflow's [core] fernet_key, as a deployment has it (the test home has none, and without
    one the Mercado Libre source refuses to start rather than store a refresh token in clear)."""
    from airflow.sdk.crypto import get_fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", key)
    get_fernet.cache_clear()
    yield key
    get_fernet.cache_clear()


@contextmanager
def sandboxes(n_orders: int) -> Iterator[tuple]:
    """A Siigo company (``SKU-0001``..``SKU-0030``), an Astroselling account listing its SKUs without
    orders, and a Mercado Libre seller whose listings carry the same SKUs (plus a listing with no
    SKU and one whose variations have SKUs Siigo does not know)."""
    astro_data = generate_astroselling_data(3, n_products=30, n_orders=0)
    meli_data = generate_mercadolibre_data(5, start=START, days=DAYS, n_orders=n_orders)
    with run_siigo_sandbox(generate_siigo_data(n_products=30), rate_limits=None) as siigo, \
            run_astroselling_sandbox(astro_data, rate_limits=None) as astro, \
            run_mercadolibre_sandbox(meli_data, now=lambda: NOW, rate_limits=None) as meli:  # fmt: skip
        yield siigo, astro, meli


def connections(tenant: str, siigo, meli, astro=None) -> dict:
    """The tenant's Siigo and Mercado Libre connections (and Astroselling's, when it has that channel)."""
    found = {
        f"{tenant}_siigo": {"conn_type": "siigo", "host": siigo.base_url, "login": DEFAULT_SIIGO_USER,
                            "password": DEFAULT_SIIGO_ACCESS_KEY,
                            "extra": {"partner_id": DEFAULT_SIIGO_PARTNER_ID, "rate_limit_per_minute": 0}},
        f"{tenant}_meli": {"conn_type": "mercadolibre", "host": meli.base_url, "login": DEFAULT_MELI_CLIENT_ID,
                           "password": DEFAULT_MELI_CLIENT_SECRET,
                           "extra": {"refresh_token": DEFAULT_MELI_REFRESH_TOKEN, "rate_limit_per_minute": 0}},
    }  # fmt: skip
    if astro is not None:
        found[f"{tenant}_astro"] = {"conn_type": "astroselling", "host": astro.url(API_PREFIX),
                                    "password": DEFAULT_ASTROSELLING_TOKEN, "extra": {"rate_limit_per_minute": 0}}
    return found


def tenant_dags(tenant_from, tenant: str, siigo, astro, meli, *, full: bool = False, extra: str = "") -> dict:
    text = TENANT.format(tenant=tenant, full=str(full).lower(), extra=extra)
    return tenant_from(tenant, text, connections(tenant, siigo, meli, astro))


def link_skus(dags: dict, tenant: str) -> None:
    """The merchant's catalog sync: Siigo -> Astroselling, which records every Siigo SKU's link (the
    Mercado Libre channel takes no catalog, so the DAG has no sync task for it)."""
    assert run(dags["catalog_sync"]) == "success"
    assert [task.task_id for task in dags["catalog_sync"].tasks if task.task_id.startswith("sync")] == [
        f"sync__{tenant}_astro"
    ]
    assert any(row["source_id"] for row in StateStore().links(tenant))


def sku_of(entry: dict) -> str:
    """What the listing says the SKU is: ``seller_sku``, else the older ``seller_custom_field``."""
    item = entry["item"]
    return (item.get("seller_sku") or item.get("seller_custom_field") or "").strip()


def expected(meli, siigo, *, full: bool, generic: bool = False, until: date | None = None) -> dict[str, str]:
    """order id -> "invoiced" | "unlinked_sku", per issue 4, for the orders the tenant invoices."""
    codes = {p["code"] for p in siigo.store.products if p["active"]}
    outcomes = {}
    for order in meli.inspect_get("orders"):
        created = datetime.fromisoformat(order["date_created"])
        if until is not None and created.astimezone(UTC).date() > until:
            continue
        if order["status"] != "paid" or (order["_logistic_type"] == "fulfillment" and not full):
            continue  # default order_statuses [paid]; "Facturar órdenes de fulfillment"
        known = all(sku_of(entry) in codes for entry in order["order_items"])
        outcomes[str(order["id"])] = "invoiced" if known or generic else "unlinked_sku"
    return outcomes


def ledger_outcomes(tenant: str) -> dict[str, str]:
    return siigo_ledger_outcomes(tenant, f"{tenant}_meli")


def test_paid_orders_become_one_siigo_invoice_each_and_options_decide_the_rest(tenant_from, fernet_key):
    with sandboxes(n_orders=48) as (siigo, astro, meli):
        tenant = "co_meli"
        dags = tenant_dags(tenant_from, tenant, siigo, astro, meli)
        link_skus(dags, tenant)
        assert run(dags["invoicing"], **WHOLE) == "failed"  # needs_attention: unlinked SKUs

        wanted = expected(meli, siigo, full=False)
        orders = meli.inspect_get("orders")
        full_paid = {str(o["id"]) for o in orders if o["status"] == "paid" and o["_logistic_type"] == "fulfillment"}
        other_status = {str(o["id"]) for o in orders if o["status"] != "paid"}
        assert full_paid and other_status  # the seed has Full orders and cancelled ones
        assert set(Counter(wanted.values())) == {"invoiced", "unlinked_sku"}
        assert ledger_outcomes(tenant) == wanted  # Full and cancelled orders never enter the ledger
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(wanted) and set(per_order.values()) == {1}

        # a second run creates nothing
        created = len(siigo.inspect_get("/_sandbox/invoices", origin="api"))
        assert run(dags["invoicing"], **WHOLE) == "success"
        assert len(siigo.inspect_get("/_sandbox/invoices", origin="api")) == created
        assert ledger_outcomes(tenant) == wanted

        # the merchant turns "Facturar órdenes de fulfillment" on: the Full orders are invoiced too
        dags = tenant_dags(tenant_from, tenant, siigo, astro, meli, full=True)
        run_invoicing(dags["invoicing"], tenant, **WHOLE)
        with_full = expected(meli, siigo, full=True)
        assert ledger_outcomes(tenant) == with_full and invoiced(with_full) & full_paid
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(with_full) and set(per_order.values()) == {1}
        assert not set(per_order) & other_status

        # then a generic SKU for the listings Siigo does not know, and a retry of the errors
        extra = "use_generic_sku: true, generic_sku: SKU-0030"
        dags = tenant_dags(tenant_from, tenant, siigo, astro, meli, full=True, extra=extra)
        assert run(dags["invoicing"], retry_errors=True, **WHOLE) == "success"
        fixed = expected(meli, siigo, full=True, generic=True)
        assert ledger_outcomes(tenant) == fixed and set(fixed.values()) == {"invoiced"}
        per_order = invoices_per_order(siigo)
        assert set(per_order) == set(fixed) and set(per_order.values()) == {1}
        codes = {p["code"] for p in siigo.store.products if p["active"]}
        unlinked = {order_id for order_id, outcome in with_full.items() if outcome == "unlinked_sku"}
        for invoice in siigo.inspect_get("/_sandbox/invoices", origin="api"):
            lines = {item["code"] for item in invoice["items"]}
            if re.match(r"Pedido (\S+) ", invoice["observations"]).group(1) in unlinked:
                assert "SKU-0030" in lines and lines <= codes  # the unknown listing went out as the generic SKU


def stored_refresh_token(conn_id: str, fernet_key: str) -> str:
    """The refresh token the state DB holds for ``conn_id``: only ever as Fernet ciphertext."""
    import sqlalchemy as sa

    from puente.state.tables import oauth_token

    with StateStore().engine.connect() as conn:
        blob = conn.execute(sa.select(oauth_token.c.refresh_token).where(oauth_token.c.conn_id == conn_id)).scalar_one()
    token = Fernet(fernet_key.encode()).decrypt(blob.encode()).decode()
    assert token not in blob
    return token


def task_logs(capfd) -> str:
    output = capfd.readouterr()
    logs = output.out + output.err
    for path in Path(os.environ["AIRFLOW_HOME"], "logs").rglob("*"):
        if path.is_file():
            logs += path.read_text(errors="replace")
    return logs


def test_the_rotated_refresh_token_survives_into_a_fresh_process_and_is_never_logged(tenant_from, fernet_key, capfd):
    """Run 1 spends the connection's refresh token. Six hours later (every access token expired), a
    run in a fresh process (token cache cleared) reads the newer orders: it can only have
    authenticated with the rotated refresh token stored in the state DB."""
    with sandboxes(n_orders=30) as (siigo, astro, meli):
        tenant = "co_meli_tokens"
        dags = tenant_dags(tenant_from, tenant, siigo, astro, meli)
        link_skus(dags, tenant)
        middle = START + timedelta(days=DAYS // 2)
        run_invoicing(dags["invoicing"], tenant, **window(START, middle))
        first = expected(meli, siigo, full=False, until=middle)
        assert ledger_outcomes(tenant) == first and invoiced(first)

        tokens = meli.inspect_get("tokens")
        assert meli.store.refresh_tokens[DEFAULT_MELI_REFRESH_TOKEN] is False  # the connection's token is spent
        (rotated,) = tokens["live_refresh_tokens"]
        assert rotated != DEFAULT_MELI_REFRESH_TOKEN
        assert stored_refresh_token(f"{tenant}_meli", fernet_key) == rotated

        clear_token_cache()  # a fresh task process: nothing in memory
        meli.inspect_post("tokens/expire", {})  # six hours later
        refreshes = tokens["refreshes"]
        run_invoicing(dags["invoicing"], tenant, **WHOLE)
        after = meli.inspect_get("tokens")
        assert after["refreshes"] == refreshes + 1 and meli.store.refresh_tokens[rotated] is False
        assert stored_refresh_token(f"{tenant}_meli", fernet_key) == after["live_refresh_tokens"][0]
        everything = expected(meli, siigo, full=False)
        assert ledger_outcomes(tenant) == everything and len(everything) > len(first)
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(everything) and set(per_order.values()) == {1}

        logs = task_logs(capfd)
        assert f"{tenant}_meli" in logs and "eligible orders" in logs  # the tasks' own lines are in there
        secrets = [*meli.store.refresh_tokens, *meli.store.access_tokens, DEFAULT_MELI_CLIENT_SECRET]
        assert len(secrets) >= 5
        leaked = [secret for secret in secrets if secret in logs]
        assert not leaked


ML_ONLY = """
tenant: {tenant}
name: Solo Mercado Libre (test)
country: CO
timezone: America/Bogota
currency: COP
erp: {{vendor: siigo, conn_id: {tenant}_siigo, seller_id: 629, document_type_id: 24446, payment_type_id: 5637,
       warehouse_id: 1270, products_warehouse_id: 1270, send_to_dian: false}}
channels:
  - {{vendor: mercadolibre, conn_id: {tenant}_meli}}
flows:
  catalog_sync: {{enabled: false}}
  invoicing: {{enabled: true, retries: 0, retry_delay_seconds: 0, chunk_size: 25, claim_lease_minutes: 0}}
"""


def test_a_mercado_libre_only_tenant_checks_skus_against_the_erp_catalog(tenant_from, fernet_key):
    """No channel takes a catalog, so nothing links SKUs: the lines are checked against Siigo's
    catalog as it is now (read by the invoice task), with the same outcomes as linked SKUs."""
    with sandboxes(n_orders=30) as (siigo, _astro, meli):
        tenant = "co_meli_only"
        dags = tenant_from(tenant, ML_ONLY.format(tenant=tenant), connections(tenant, siigo, meli))
        assert "catalog_sync" not in dags
        assert run(dags["invoicing"], **WHOLE) == "failed"  # needs_attention: unlinked SKUs
        wanted = expected(meli, siigo, full=False)
        assert set(Counter(wanted.values())) == {"invoiced", "unlinked_sku"}
        assert ledger_outcomes(tenant) == wanted
        per_order = invoices_per_order(siigo)
        assert set(per_order) == invoiced(wanted) and set(per_order.values()) == {1}
