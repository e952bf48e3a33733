"""The facto sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_FACTO_KEY, DEFAULT_FACTO_USER
from puente_sandbox.harness import VendorHarness, paid_order
from puente_sandbox.stack import run_sandbox


class FactoHarness(VendorHarness):
    vendor = conn_type = "facto"
    secrets = (DEFAULT_FACTO_KEY,)

    def serve(self, *, faults=None, catalog_size=None):
        return run_sandbox("facto", rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "facto", "host": handle.base_url, "login": DEFAULT_FACTO_USER,
                "password": DEFAULT_FACTO_KEY}

    def invoice_order(self, handle, number):
        return paid_order(number, "", currency="CLP", lines=[("SKU-1", 2, 11900)],
                          buyer={"name": "Conformidad Cliente", "email": "cliente@correo.cl"})

    def document_count(self, handle):
        return len(handle.inspect_get("documents"))


HARNESS = FactoHarness()
