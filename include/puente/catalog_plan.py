"""What one catalog sync would write to one channel: the planning half of a sync, shared.

Why a module of its own: the catalog DAG's channel task and the console's preview must plan
alike (the same reads, open-order reservation, manual links and rules), or a preview would show
changes a run does not make. ``plan_channel`` reads and plans and writes nothing (no vendor write,
no sync state); the task then pushes the plan, the console only shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from puente.operators.catalog_reservations import Reservation
    from puente.rules.catalog import CatalogOptions, CatalogPlan


def skus_param(value: Any) -> frozenset[str] | None:
    """The ``skus`` param (a list, or one string with spaces or commas) as a set; None = every SKU."""
    if not value:
        return None
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return frozenset(str(sku).strip() for sku in value if str(sku).strip())


def catalog_options(config: Any, params: Mapping[str, Any]) -> CatalogOptions:
    """The tenant's catalog settings plus a run's params (``full_resync``, ``skus``)."""
    from puente.rules.catalog import CatalogOptions

    settings = config.flows.catalog_sync
    return CatalogOptions(
        push_stock=settings.stock,
        push_price=settings.price,
        price_with_taxes=settings.price_with_taxes,
        presale=settings.presale,
        full_resync=bool(params.get("full_resync")),
        skus=skus_param(params.get("skus")),
        sku_normalization=tuple(settings.sku_normalization),
    )


def listing_skus(skus: frozenset[str] | None, manual: list[dict]) -> frozenset[str] | None:
    """A targeted run also reads the listings linked by hand to its ERP SKUs (they carry other SKUs)."""
    if skus is None:
        return None
    return skus | {row["listing_sku"] for row in manual if row["erp_sku"] in skus and row["listing_sku"]}


@dataclass
class ChannelPlan:
    plan: CatalogPlan
    reservation: Reservation


def plan_channel(config: Any, channel: Any, source: Any, target: Any, options: CatalogOptions,
                 store: Any) -> ChannelPlan:
    """Read the ERP (``source``) and the channel (``target``) at once, reserve open orders' units, plan."""
    from puente.operators.catalog_reservations import reserve_open_orders
    from puente.operators.catalog_sync import read_both
    from puente.rules.catalog import plan_catalog
    from puente.state.manual_links import ManualLinks, manual_frame

    manual = ManualLinks(store).rows(config.tenant, channel.conn_id)
    erp_frame, listings = read_both(source, target, options.skus, listing_skus(options.skus, manual))
    reservation = reserve_open_orders(config, erp_frame, listings)  # units open orders hold
    plan = plan_catalog(reservation.source, listings, options, manual_frame(manual))
    return ChannelPlan(plan, reservation)


def sources_for(config: Any, channel: Any) -> tuple[Any, Any]:
    """The channel's ERP reader (with the channel's own price list) and the channel's connector."""
    from puente.config.price_lists import erp_for_channel
    from puente.connectors import registry

    return registry.catalog_source(erp_for_channel(config.erp, channel)), registry.catalog_target(channel)

