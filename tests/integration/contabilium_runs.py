"""Shared pieces of the Contabilium <-> Jumpseller real-DAG tests (tenant text, connections, speed)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from puente_sandbox.credentials import DEFAULT_CONTABILIUM_CLIENT_ID, DEFAULT_CONTABILIUM_CLIENT_SECRET

GENERIC_DNI = "99999999"
TENANT = """
tenant: {tenant}
name: Rosario Hogar (tests)
country: AR
timezone: America/Argentina/Buenos_Aires
currency: ARS
erp: {{vendor: contabilium, conn_id: {tenant}_cb, final_consumer_dni: "{dni}"{erp}}}
channels:
{channels}
flows:
  catalog_sync: {{retries: 0}}
  invoicing: {{enabled: true, retries: {retries}, retry_delay_seconds: 0, chunk_size: 25, claim_lease_minutes: 0,
              shipping_as_line: {shipping}}}
"""


def contabilium_connection(handle) -> dict:
    return {"conn_type": "contabilium", "host": handle.base_url, "login": DEFAULT_CONTABILIUM_CLIENT_ID,
            "password": DEFAULT_CONTABILIUM_CLIENT_SECRET}


def tenant_text(tenant: str, stores: int, *, erp: str = "", shipping: bool = True, retries: int = 1) -> str:
    channels = "\n".join(f"  - {{vendor: jumpseller, conn_id: {tenant}_js{n}}}" for n in range(stores))
    return TENANT.format(tenant=tenant, dni=GENERIC_DNI, erp=erp, channels=channels,
                         shipping=str(shipping).lower(), retries=retries)


def contabilium_window(orders) -> dict:
    """The generated store days, widened by a day each side: the store's days are Santiago's, the
    tenant's Buenos Aires' (an hour apart)."""
    last_day = orders.start + timedelta(days=orders.days)
    return {"date_from": (orders.start - timedelta(days=1)).isoformat(), "date_to": last_day.isoformat()}


@pytest.fixture
def unthrottled_contabilium(monkeypatch):
    """The sandboxes run without rate limits here; so does the hook (30 per 10 s would make a
    100-order run take minutes). Fresh token and concepto caches per test."""
    from puente.vendors.contabilium.hook import ContabiliumHook, clear_token_cache
    from puente.vendors.contabilium.invoice_sink import clear_concept_cache

    monkeypatch.setattr(ContabiliumHook, "rate_limit_budgets", ())
    clear_token_cache()
    clear_concept_cache()
    yield
    clear_concept_cache()
