"""Siigo and Escala sandboxes for the CRM flow, seeded so that they belong to one merchant.

The Escala account comes from its seed (owners, the cédula custom field, pipelines, products);
the Siigo company's invoices are spread over recent days, so a demo or a person clicking through
``make up`` finds invoices in the last week, with the sellers 629, 630 and 631 of the Siigo seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.handle import SandboxHandle
from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox
from puente_sandbox.stack import serve_app

CRM_DAYS = 7


def crm_invoice_start(days: int = CRM_DAYS, today: date | None = None) -> date:
    """The first invoice day: ``days`` before today, so the invoices are recent."""
    return (today or date.today()) - timedelta(days=days)


@contextmanager
def run_escala_sandbox(seed: int = 7, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[SandboxHandle]:
    store = EscalaStore.generate(seed=seed)
    headers = {"x-api-key": DEFAULT_ESCALA_API_KEY}
    with serve_app(create_app(store), "escala", host=host, port=port, headers=headers, store=store) as handle:
        yield handle


@contextmanager
def run_recent_siigo_sandbox(
    seed: int = 7, *, invoices: int = 40, days: int = CRM_DAYS, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SandboxHandle]:
    data = generate_siigo_data(seed, n_invoices=invoices, start=crm_invoice_start(days), days=days)
    with run_siigo_sandbox(data, host=host, port=port) as handle:
        yield handle
