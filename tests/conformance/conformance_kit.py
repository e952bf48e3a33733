"""What the conformance suites share: which vendors declare a capability, and each one's harness and hook.

Nothing here names a vendor: the parameters come from the installed plug-ins, so a vendor added as
its own distribution is tested the same way.
"""

from __future__ import annotations

from puente.connectors import registry


def vendors_with(capability: str | None) -> list[str]:
    """Vendors that declare ``capability`` (every vendor for None), for ``parametrize``."""
    return sorted(registry.vendors() if capability is None else registry.vendors_with(capability))


def harness_of(vendor: str):
    """The vendor's test kit (``puente_sandbox.harness.VendorHarness``), as its declaration names it."""
    return registry.load(registry.vendor(vendor).sandbox)


def hook_class(vendor: str) -> type:
    """The hook of the vendor's connection type, as its connection form names it."""
    harness = harness_of(vendor)
    kinds = registry.load(registry.vendor(vendor).connection_types)
    path = next(kind["hook-class-name"] for kind in kinds if kind["connection-type"] == harness.conn_type)
    module, _, name = path.rpartition(".")
    return registry.load(f"{module}:{name}")
