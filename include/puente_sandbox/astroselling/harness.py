"""The astroselling sandbox's test kit for the shared conformance suites (see :mod:`puente_sandbox.harness`)."""

from __future__ import annotations

from puente_sandbox.astroselling import API_PREFIX
from puente_sandbox.astroselling.testing import run_astroselling_sandbox
from puente_sandbox.credentials import DEFAULT_ASTROSELLING_TOKEN
from puente_sandbox.harness import VendorHarness


class AstrosellingHarness(VendorHarness):
    vendor = conn_type = "astroselling"
    secrets = (DEFAULT_ASTROSELLING_TOKEN,)

    def serve(self, *, faults=None, catalog_size=None):
        return run_astroselling_sandbox(rate_limits=None, faults=faults)

    def connection(self, handle):
        return {"conn_type": "astroselling", "host": handle.url(API_PREFIX), "password": DEFAULT_ASTROSELLING_TOKEN}


HARNESS = AstrosellingHarness()
