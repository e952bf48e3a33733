"""Tenant configuration: the low-code surface of Puente.

One YAML file per merchant. Every option of the vendors' help-center articles has a typed field
whose default matches the article, so an empty section behaves as the merchant expects. Files
name Airflow connection ids, never secrets: a field that looks like a credential is rejected.
Vendor sections are discriminated by ``vendor`` so a typo in an option of one ERP is an error,
not a silently ignored key (``extra="forbid"`` everywhere).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from puente.config.base import CONN_ID, RESERVED_TENANT_IDS, TENANT_ID, ConnId, Strict
from puente.config.notify import NotifySettings
from puente.connectors import registry

__all__ = ["CONN_ID", "TENANT_ID", "ConnId", "Strict", "TenantConfig"]


# --- systems: each vendor plug-in's settings model, discriminated by ``vendor`` ---------------------


def _section(section: str) -> Any:
    models = registry.settings_models(section)
    if not models:
        raise RuntimeError(f"no installed vendor plug-in serves the {section!r} section: run `make install`")
    return Annotated[Union[models], Field(discriminator="vendor")]  # noqa: UP007 - a runtime tuple of models


ErpSettings = _section("erp")
ChannelSettings = _section("channel")
CrmSettings = _section("crm")


# --- flows --------------------------------------------------------------------------------------


class FlowSettings(Strict):
    enabled: bool = True
    schedule: str | None = Field(default="@hourly", description="cron or preset; null = manual only")
    start_date: date = date(2026, 1, 1)
    retries: int = Field(default=2, ge=0, le=10)
    retry_delay_seconds: int = Field(default=60, ge=0)
    owner: str | None = Field(default=None, description="defaults to the tenant's owner")


class CatalogSyncSettings(FlowSettings):
    """ERP -> channels stock and price sync (seed: Bsale -> Jumpseller options)."""

    stock: bool = Field(default=True, description="push stock")
    price: bool = Field(default=True, description='"Precio": the ERP price overwrites the store price')
    price_with_taxes: bool = Field(
        default=True, description="push prices with taxes (IVA included) rather than net"
    )
    presale: bool = Field(
        default=False,
        description='"Pre-Venta": variants that may be sold without stock become unlimited in the store',
    )
    sku_normalization: list[Literal["trim", "case", "leading_zeros"]] = Field(
        default=["trim"],
        description="besides manual links and exact SKUs, SKUs also match after: trim (surrounding spaces), case "
        "(letter case), leading_zeros ('007' is '7'); such links are reported as normalized, never as exact",
    )
    catchup: Literal[False] = Field(
        default=False, description="catalog sync always reflects now; past runs have nothing to do"
    )
    reserve_pending_orders: bool | None = Field(
        default=None,
        description='"stock entre paréntesis": push ERP stock minus the units of open channel orders not yet '
        "invoiced in the ERP; null = on for the channels that hold stock for orders (Jumpseller), false = off",
    )
    reservation_max_age_days: int = Field(
        default=30, ge=1, le=365,
        description="open orders older than this are not read (a pending order left that long is the merchant's "
        "to cancel); bounds the reads",
    )


class InvoicingSettings(FlowSettings):
    """Channel orders -> ERP documents, exactly once (seed: automatic or manual document creation)."""

    auto_invoicing: bool = Field(
        default=True, description="false = no schedule: documents only from manual runs (order_ids param)"
    )
    statuses: list[Literal["paid", "pending_payment", "created", "canceled", "abandoned"]] = Field(
        default=["paid"], description="order statuses to invoice"
    )
    lookback_hours: int = Field(default=72, ge=0, description="also look this far back, to catch late payments")
    shipping_as_line: bool = Field(default=False, description="add the shipping cost as a document line")
    shipping_description: str = "Despacho"
    default_email: str | None = Field(default=None, description="client e-mail when the order has none")
    default_phone: str | None = Field(default=None, description="client phone when the order has none")
    chunk_size: int = Field(default=50, ge=1, le=1000, description="orders per mapped invoice task")
    claim_lease_minutes: int = Field(
        default=30, ge=0, description="after this, an order claimed by a dead worker may be taken over"
    )
    attach_documents: bool = Field(default=True, description="attach each document to its order in the channel")
    concurrency: int = Field(
        default=4, ge=1, le=16,
        description="orders of a chunk in flight at once (and as many attaches): calls overlap their latency, "
        "the hooks' shared limiter keeps the vendors' budgets",
    )


class CrmSyncSettings(FlowSettings):
    """Siigo invoices -> Escala contacts and opportunities (seed: siigo-escala-opportunities).

    Each scheduled run covers exactly one day in the tenant's timezone (an interval timetable on
    ``schedule``); manual runs take ``start_date``/``end_date`` ("Sincronizar a demanda").
    """

    schedule: str | None = Field(
        default="@daily", description="cron of the day boundaries (tenant timezone); null = on demand only"
    )
    catchup: bool = Field(default=False, description="create the runs of past days since start_date")
    cedula_field: str | None = Field(
        default=None, pattern=r"^cf_contact_[A-Za-z0-9_]+$",
        description="Escala contact custom field (text) that holds the customer's cédula; required when enabled",
    )
    seller_owners: dict[int, str] = Field(
        default={}, description="Siigo seller id -> Escala user (id or e-mail) who owns the opportunity"
    )
    default_owner: str | None = Field(
        default=None, description="Escala user (id or e-mail) for opportunities without a linked owner; "
        "empty = unassigned",
    )
    create_unlinked: bool = Field(
        default=False, description="create contacts and opportunities even when the invoice's seller is not "
        "linked (owner = default_owner); off = such invoices are skipped and reported",
    )
    pipeline: str | None = Field(default=None, description="Escala pipeline (id or name); empty = the default one")
    stage: str | None = Field(
        default=None, description="stage (id or name) opportunities are created in; empty = the pipeline's first"
    )
    description: str = Field(
        default="Oportunidad creada desde factura de Siigo", description="the opportunity's description"
    )
    escala_to_siigo: bool = Field(
        default=False, description="the article's other direction (Escala opportunities -> Siigo); Escala "
        "allows only one direction at a time, and Puente does not build that one yet",
    )

    @model_validator(mode="after")
    def _one_direction(self) -> CrmSyncSettings:
        if self.enabled and self.escala_to_siigo:
            raise ValueError(
                "crm_sync (Siigo invoices -> Escala) and escala_to_siigo (Escala -> Siigo) cannot both be "
                "enabled: Escala runs one direction at a time; set escala_to_siigo: false or enabled: false"
            )
        if self.enabled and not self.cedula_field:
            raise ValueError(
                "cedula_field is required: the Escala contact custom field that holds the customer's cédula "
                "(e.g. cf_contact_cedula_abcd_text)"
            )
        return self


class Flows(Strict):
    catalog_sync: CatalogSyncSettings = CatalogSyncSettings()
    invoicing: InvoicingSettings = InvoicingSettings(enabled=False)
    crm_sync: CrmSyncSettings = CrmSyncSettings(enabled=False)


# --- tenant -------------------------------------------------------------------------------------


class TenantConfig(Strict):
    tenant: str = Field(description="tenant id: lowercase letters, digits, underscores")
    name: str
    country: Literal["CL", "CO", "AR", "PE", "MX"]
    timezone: str = "America/Santiago"
    currency: str = "CLP"
    owner: str = "puente"
    erp: ErpSettings
    channels: list[ChannelSettings] = Field(
        default=[], description="sales channels; required by catalog_sync and invoicing"
    )
    crm: CrmSettings | None = Field(default=None, description="the CRM that crm_sync writes to")
    flows: Flows = Flows()
    shared_connections: dict[ConnId, list[str]] = Field(
        default={}, description="this tenant's ERP or CRM connection -> the other tenants that may use it too "
        "(Contabilium: one account, several stores); a connection is one tenant's unless shared here",
    )
    notify: NotifySettings | None = Field(
        default=None, description="incident e-mails (opened / cleared); empty = no notifications"
    )

    @field_validator("tenant")
    @classmethod
    def _tenant_id(cls, value: str) -> str:
        if not TENANT_ID.match(value):
            raise ValueError("must be 2-63 lowercase letters, digits and underscores, starting with a letter, "
                             "without '__' (it separates tenant and flow in DAG ids)")
        if value in RESERVED_TENANT_IDS:
            raise ValueError(f"{value!r} is reserved (the prefix of the config-error DAGs)")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _distinct_connections(self) -> TenantConfig:
        seen = [channel.conn_id for channel in self.channels]
        duplicates = sorted({conn for conn in seen if seen.count(conn) > 1})
        if duplicates:
            raise ValueError(f"channels list the same connection twice: {', '.join(duplicates)}")
        roles = connection_roles(self)
        for conn_id in sorted({conn.lower() for conn, _ in roles}):
            named = sorted({role for conn, role in roles if conn.lower() == conn_id})
            if len(named) > 1:
                raise ValueError(f"one connection cannot be both {' and '.join(named)}: {conn_id!r}")
        return self

    @model_validator(mode="after")
    def _shared_connections(self) -> TenantConfig:
        own = {conn: role for conn, role in connection_roles(self)}
        for conn_id, tenants in self.shared_connections.items():
            if conn_id not in own:
                raise ValueError(f"shared_connections.{conn_id}: this file does not name that connection "
                                 f"(its connections: {', '.join(own)})")
            if own[conn_id] == "a channel":
                raise ValueError(f"shared_connections.{conn_id}: a channel cannot be shared: two tenants on one "
                                 "store would each invoice its orders and each push its stock")
            if not tenants:
                raise ValueError(f"shared_connections.{conn_id}: name the tenants that may use it")
            for tenant in tenants:
                if not TENANT_ID.match(tenant) or tenant == self.tenant:
                    raise ValueError(f"shared_connections.{conn_id}: {tenant!r} is not another tenant's id")
        return self

    @model_validator(mode="after")
    def _channel_price_lists(self) -> TenantConfig:
        from puente.config.price_lists import price_list_errors

        problems = price_list_errors(self.erp, self.channels)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _flows_fit_the_vendors(self) -> TenantConfig:
        catalog_sources, catalog_targets = registry.catalog_source_vendors(), registry.catalog_target_vendors()
        if self.flows.catalog_sync.enabled and self.erp.vendor not in catalog_sources:
            raise ValueError(
                f"flows.catalog_sync: {self.erp.vendor} has no catalog API to sync from; "
                "set flows.catalog_sync.enabled: false"
            )
        if self.flows.catalog_sync.enabled and self.channels and not any(
            channel.vendor in catalog_targets for channel in self.channels
        ):
            vendors = ", ".join(sorted({channel.vendor for channel in self.channels}))
            raise ValueError(
                f"flows.catalog_sync: no channel takes stock and prices ({vendors} only gives orders; "
                f"catalog channels: {', '.join(sorted(catalog_targets))}); set flows.catalog_sync.enabled: false"
            )
        for flow in ("catalog_sync", "invoicing"):
            if getattr(self.flows, flow).enabled and not self.channels:
                raise ValueError(f"flows.{flow} needs at least one sales channel in channels")
        crm_sync = self.flows.crm_sync
        invoice_sources = registry.vendors_with("invoice_source")
        if crm_sync.enabled and self.erp.vendor not in invoice_sources:
            raise ValueError(
                f"flows.crm_sync creates CRM opportunities from the ERP's invoices, but {self.erp.vendor} cannot "
                f"list its invoices (ERPs that can: {', '.join(sorted(invoice_sources))}); "
                "set flows.crm_sync.enabled: false"
            )
        if crm_sync.enabled and self.crm is None:
            raise ValueError("flows.crm_sync needs a crm section, e.g. crm: {vendor: escala, conn_id: escala_acme}")
        return self

    def vendors(self) -> list[str]:
        crm = [self.crm.vendor] if self.crm is not None else []
        return [self.erp.vendor, *(channel.vendor for channel in self.channels), *crm]


def connection_sections(config: TenantConfig) -> list[tuple[str, Any, str]]:
    """(field, section, what it is for this tenant) for every section of a tenant file that names a
    connection: the ERP, each channel, the CRM."""
    sections = [("erp.conn_id", config.erp, "the ERP")]
    sections += [(f"channels[{index}].conn_id", channel, "a channel") for index, channel in enumerate(config.channels)]
    if config.crm is not None:
        sections.append(("crm.conn_id", config.crm, "the CRM"))
    return sections


def connection_roles(config: TenantConfig) -> list[tuple[str, str]]:
    """(connection id, what it is for this tenant) for every connection a tenant file names."""
    return [(section.conn_id, role) for _, section, role in connection_sections(config)]
