"""vendor name -> connector, imported lazily so the DAG factory never pays for vendor code."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_CATALOG_SOURCES = {
    "bsale": "puente.connectors.bsale:BsaleCatalogSource",
    "alegra": "puente.connectors.alegra:AlegraCatalogSource",
    "contabilium": "puente.connectors.contabilium:ContabiliumCatalogSource",
    "siigo": "puente.connectors.siigo:SiigoCatalogSource",
}
_CATALOG_TARGETS = {
    "jumpseller": "puente.connectors.jumpseller:JumpsellerCatalogTarget",
    "astroselling": "puente.connectors.astroselling:AstrosellingCatalogTarget",
}
_ORDER_SOURCES = {
    "jumpseller": "puente.connectors.jumpseller_orders:JumpsellerOrderSource",
    "astroselling": "puente.connectors.astroselling_orders:AstrosellingOrderSource",
    "mercadolibre": "puente.connectors.mercadolibre_orders:MercadoLibreOrderSource",
}
_INVOICE_SINKS = {
    "bsale": "puente.connectors.bsale_invoices:BsaleInvoiceSink",
    "facto": "puente.connectors.facto:FactoInvoiceSink",
    "alegra": "puente.connectors.alegra_invoice_sink:AlegraInvoiceSink",
    "contabilium": "puente.connectors.contabilium_invoice_sink:ContabiliumInvoiceSink",
    "siigo": "puente.connectors.siigo_invoice_sink:SiigoInvoiceSink",
}

_INVOICE_SOURCES = {"siigo": "puente.connectors.siigo_invoices:SiigoInvoiceSource"}
_CRM_SINKS = {"escala": "puente.connectors.escala_crm:EscalaCrmSink"}


def _load(table: dict[str, str], vendor: str, role: str) -> Any:
    try:
        module_name, class_name = table[vendor].split(":")
    except KeyError:
        raise LookupError(f"vendor {vendor!r} cannot act as a {role} (known: {sorted(table)})") from None
    return getattr(import_module(module_name), class_name)


def catalog_source(settings: Any) -> Any:
    return _load(_CATALOG_SOURCES, settings.vendor, "catalog source")(settings)


def catalog_target(settings: Any) -> Any:
    return _load(_CATALOG_TARGETS, settings.vendor, "catalog target")(settings)


def order_source(settings: Any, timezone: str) -> Any:
    return _load(_ORDER_SOURCES, settings.vendor, "order source")(settings, timezone=timezone)


def invoice_sink(settings: Any) -> Any:
    return _load(_INVOICE_SINKS, settings.vendor, "invoice sink")(settings)


def invoice_source(settings: Any) -> Any:
    return _load(_INVOICE_SOURCES, settings.vendor, "invoice source")(settings)


def crm_sink(settings: Any) -> Any:
    return _load(_CRM_SINKS, settings.vendor, "CRM sink")(settings)


def catalog_source_vendors() -> set[str]:
    return set(_CATALOG_SOURCES)


def catalog_target_vendors() -> set[str]:
    return set(_CATALOG_TARGETS)
