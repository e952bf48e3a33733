"""A vendor's test kit: how the shared conformance suites start its sandbox and connect to it.

Every vendor plug-in names one (``VendorSpec.sandbox``), so the suites in ``tests/conformance/``
run on any vendor, shipped or installed from another distribution, without knowing it: the harness
says how to serve the sandbox (optionally with faults, or a catalog bigger than one page), which
Airflow connection fields reach it with good and with bad credentials, which strings are secrets
that must never reach a log, and what the vendor's section of a tenant file looks like. Product
code never imports this (it is the sandbox side of the plug-in).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.handle import SandboxHandle

Faults = Mapping[str, Any] | None


class VendorHarness:
    """Subclass per vendor; the class attributes and ``serve`` are required, the rest per capability."""

    vendor: str = ""
    conn_type: str = ""
    secrets: tuple[str, ...] = ()  # credential strings: never in a log line
    catalog_page_size: int | None = None  # catalog sources: the vendor's largest page
    order_page_size: int | None = None  # order sources: the page the hook reads orders in
    invoice_page_size: int | None = None  # invoice sources: the page the hook reads invoices in

    def serve(self, *, faults: Faults = None, catalog_size: int | None = None, orders: int | None = None,
              invoices: int | None = None) -> AbstractContextManager[SandboxHandle]:
        """The sandbox on a loopback port, without its rate limits (the suites inject 429s themselves);
        with ``catalog_size``, a catalog of at least that many sellable SKUs; with ``orders``, at least
        that many orders (order sources); with ``invoices``, that many sales invoices (invoice sources)."""
        raise NotImplementedError

    def connection(self, handle: SandboxHandle) -> dict[str, Any]:
        """Airflow connection fields (``conn_type``, ``host``, ``login``, ``password``, ``extra``)."""
        raise NotImplementedError

    def bad_connection(self, handle: SandboxHandle) -> dict[str, Any]:
        """The same connection with a credential the vendor refuses."""
        fields = self.connection(handle)
        return {**fields, "password": "wrong-" + str(fields.get("password", ""))[::-1]}

    def settings(self, conn_id: str) -> dict[str, Any]:
        """The vendor's section of a tenant file (``vendor``, ``conn_id`` and any required option)."""
        return {"vendor": self.vendor, "conn_id": conn_id}

    def catalog_codes(self, handle: SandboxHandle) -> set[str]:
        """Every SKU the sandbox's catalog holds (sellable or not)."""
        raise NotImplementedError

    def invoice_order(self, handle: SandboxHandle, number: int) -> dict[str, Any]:
        """Invoice sinks: a paid channel order (``puente.models.Order`` fields) the ERP can invoice:
        its SKUs are in the ERP's catalog and its buyer has what the ERP's documents need."""
        raise NotImplementedError

    def document_count(self, handle: SandboxHandle) -> int:
        """Invoice sinks: how many documents the ERP holds (seeded ones included)."""
        raise NotImplementedError


def paid_order(number: int, prefix: str, *, currency: str, lines: list[tuple[str, int, int]],
               buyer: dict[str, Any]) -> dict[str, Any]:
    """A paid order placed now, for :meth:`VendorHarness.invoice_order` (lines: SKU, quantity, gross price)."""
    return {
        "id": f"{prefix}{number}", "channel": "conformance", "status": "paid", "currency": currency,
        "created_at": datetime.now(UTC).isoformat(),
        "lines": [{"sku": sku, "name": f"Producto {sku}", "quantity": quantity, "unit_price": price}
                  for sku, quantity, price in lines],
        "buyer": buyer,
    }

    def order_window(self, handle: SandboxHandle) -> tuple[datetime, datetime]:
        """Order sources: an interval ``[start, end)`` that holds every order the sandbox serves."""
        raise NotImplementedError

    def add_order(self, handle: SandboxHandle, number: int, created: datetime) -> None:
        """Order sources: a new order, created at ``created``, arrives (over HTTP, as a buyer's would)."""
        raise NotImplementedError

    def invoice_window(self, handle: SandboxHandle) -> tuple[datetime, datetime]:
        """Invoice sources: an interval ``[start, end)`` holding every invoice the sandbox serves."""
        raise NotImplementedError

    def crm_customer(self, handle: SandboxHandle) -> tuple[str, dict[str, Any]]:
        """CRM sinks: ``(the contact field that holds the cédula, a customer the CRM does not know yet)``
        (``puente.models.InvoiceCustomer`` fields)."""
        raise NotImplementedError

    def opportunities_named(self, handle: SandboxHandle, name: str) -> int:
        """CRM sinks: how many opportunities (deals) the CRM holds with this name."""
        raise NotImplementedError

    def webhook_tenant(self, tenant: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """Event receivers: a tenant file (as a mapping) whose source is this vendor, and the Airflow
        connections it names (by id) with the webhook secret set; no sandbox is needed."""
        raise NotImplementedError

    def webhook_event(self, tenant: str, now: float, *, body: bytes | None = None,
                      authentic: bool = True) -> dict[str, Any]:
        """Event receivers: a delivery as the vendor makes it (``params``, ``headers``, ``content``) of
        an event that starts a run (Bsale: a catalog event) sent at ``now``, or of ``body`` as given;
        ``authentic=False`` forges the secret or signature."""
        raise NotImplementedError
