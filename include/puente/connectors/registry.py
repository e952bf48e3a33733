"""The one door from Puente's core to the vendor plug-ins: discovered, then imported lazily.

Vendors are found through the ``puente.vendors`` entry points (:mod:`puente.connectors.spec`);
flows, rules and the DAG factory ask this module by capability and never import a vendor package,
so a vendor installed as its own distribution works with no change to the core. A declaration that
cannot be loaded or is malformed is logged and left out (its tenants then fail validation with
"unknown vendor"), never allowed to take every tenant down.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from puente.connectors.spec import ENTRY_POINT_GROUP, VendorSpec

log = logging.getLogger(__name__)


@cache
def vendors() -> dict[str, VendorSpec]:
    """Every installed vendor plug-in by name, in name order."""
    found: dict[str, VendorSpec] = {}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda point: (point.name, point.value)):
        try:
            spec = point.load()
        except Exception as exc:  # a broken plug-in must not take the others down
            log.error("vendor plug-in %r (%s) cannot be loaded: %s: %s", point.name, point.value,
                      exc.__class__.__name__, exc)
            continue
        problems = spec.problems(point.name) if isinstance(spec, VendorSpec) else ["is not a VendorSpec"]
        if point.name in found:
            problems.append(f"is declared twice ({found[point.name].settings} and {getattr(spec, 'settings', spec)})")
        if problems:
            log.error("vendor plug-in %r (%s) is left out: %s", point.name, point.value, "; ".join(problems))
            continue
        found[point.name] = spec
    if not found:
        log.error("no vendor plug-ins are installed (entry points %r): run `make install`", ENTRY_POINT_GROUP)
    return found


def vendor(name: str) -> VendorSpec:
    try:
        return vendors()[name]
    except KeyError:
        raise LookupError(f"unknown vendor {name!r} (installed: {', '.join(vendors())})") from None


def load(target: str) -> Any:
    """``"module:attribute"`` -> the attribute, imported now."""
    module_name, _, attribute = target.partition(":")
    return getattr(import_module(module_name), attribute)


def vendors_with(capability: str) -> set[str]:
    return {name for name, spec in vendors().items() if capability in spec.capabilities}


def settings_models(section: str) -> tuple[type, ...]:
    """The tenant-config models of the vendors a tenant file can name in ``section``."""
    return tuple(load(spec.settings) for spec in vendors().values() if spec.section == section)


def connection_types() -> list[dict[str, Any]]:
    return [kind for spec in vendors().values() for kind in load(spec.connection_types)]


def connector_class(capability: str, vendor_name: str) -> Any:
    spec = vendors().get(vendor_name)
    if spec is None or capability not in spec.capabilities:
        role = capability.replace("_", " ")
        raise LookupError(f"vendor {vendor_name!r} cannot act as a {role} "
                          f"(known: {sorted(vendors_with(capability))})")
    return load(spec.capabilities[capability])


def catalog_source(settings: Any) -> Any:
    return connector_class("catalog_source", settings.vendor)(settings)


def catalog_target(settings: Any) -> Any:
    return connector_class("catalog_target", settings.vendor)(settings)


def catalog_importer(settings: Any) -> Any:
    return connector_class("catalog_import", settings.vendor)(settings)


def can_import(settings: Any) -> bool:
    """Whether the channel's vendor can create the ERP products it lacks (``catalog_import``)."""
    return settings.vendor in vendors_with("catalog_import")


def order_source(settings: Any, timezone: str) -> Any:
    return connector_class("order_source", settings.vendor)(settings, timezone=timezone)


def invoice_sink(settings: Any) -> Any:
    return connector_class("invoice_sink", settings.vendor)(settings)


def invoice_source(settings: Any) -> Any:
    return connector_class("invoice_source", settings.vendor)(settings)


def crm_sink(settings: Any) -> Any:
    return connector_class("crm_sink", settings.vendor)(settings)


def catalog_source_vendors() -> set[str]:
    return vendors_with("catalog_source")


def catalog_target_vendors() -> set[str]:
    return vendors_with("catalog_target")
