"""The escala sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.credentials import DEFAULT_ESCALA_API_KEY
from puente_sandbox.escala import EscalaStore, create_app
from puente_sandbox.harness import VendorHarness
from puente_sandbox.stack import as_fault_config, serve_app


class EscalaHarness(VendorHarness):
    vendor = conn_type = "escala"
    secrets = (DEFAULT_ESCALA_API_KEY,)

    def serve(self, *, faults=None, catalog_size=None):
        store = EscalaStore.generate(seed=11)
        app = create_app(store, rate_limits=None, faults=as_fault_config(faults))
        return serve_app(app, "escala", headers={"x-api-key": DEFAULT_ESCALA_API_KEY}, store=store)

    def connection(self, handle):
        return {"conn_type": "escala", "host": handle.base_url + "/v1", "password": DEFAULT_ESCALA_API_KEY}

    def crm_customer(self, handle):
        return handle.store.cedula_field, {"identification": "1098765432", "first_name": "Conformidad",
                                           "last_name": "Cliente", "email": "conformidad@correo.co"}

    def opportunities_named(self, handle, name):
        return sum(1 for deal in handle.inspect_get("deals") if deal.get("name") == name)


HARNESS = EscalaHarness()
