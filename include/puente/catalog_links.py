"""Manual links, checked against both systems before they are kept ("Sincroniza manualmente").

A person says "this channel listing is that ERP SKU". Before it is kept: the listing exists in the
channel now, the ERP SKU exists in the ERP and may be synced, the listing is not linked by hand to
another SKU, and the SKU is not linked by hand to another listing of the channel (two listings
selling the same units would oversell). Each refusal is one line (``LinkRefused``). The same
functions serve the CLI and, next, the operations console.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


class LinkRefused(Exception):
    """Why a link or unlink was not made: one line for a person."""


@dataclass(frozen=True)
class Listing:
    product_id: str
    variant_id: str | None
    sku: str

    @property
    def ref(self) -> str:
        return listing_label(self.product_id, self.variant_id)


def listing_label(product_id: str, variant_id: str | None) -> str:
    """``PRODUCT_ID`` or ``PRODUCT_ID/VARIANT_ID``: how a person names a listing (``parse_listing_ref``)."""
    return product_id if not variant_id else f"{product_id}/{variant_id}"


def tenant_config(tenant: str):
    """The tenant's validated config, or ``LinkRefused`` saying why there is none."""
    from puente.config.loader import load_tenants, tenant_paths

    loaded = load_tenants(tenant_paths(tenant))
    if tenant in loaded.tenants:
        return loaded.tenants[tenant]
    reasons = [f"{error.path.name}: {field.field}: {field.reason}" for error in loaded.errors for field in error.errors]
    raise LinkRefused(f"tenant {tenant!r}: " + ("; ".join(reasons[:3]) if reasons else "no tenant file"))


def catalog_channel(config, conn_id: str | None):
    """The tenant's channel that takes a catalog: the one named, or the only one."""
    from puente.connectors import registry

    targets = [c for c in config.channels if c.vendor in registry.catalog_target_vendors()]
    return _pick_channel(config, targets, conn_id, "catalog channels", "none")


def order_channel(config, conn_id: str | None):
    """The tenant's channel whose orders are meant: the one named, or the only one."""
    return _pick_channel(config, config.channels, conn_id, "channels", "")


def _pick_channel(config, channels: list, conn_id: str | None, kind: str, when_none: str):
    if conn_id is None and len(channels) == 1:
        return channels[0]
    for channel in channels:
        if channel.conn_id == conn_id:
            return channel
    names = ", ".join(c.conn_id for c in channels) or when_none
    what = f"{conn_id!r} is not one of them" if conn_id else "name one with --channel"
    raise LinkRefused(f"{config.tenant}: {kind}: {names}; {what}")


def parse_listing_ref(ref: str) -> tuple[str, str | None]:
    """``PRODUCT_ID`` or ``PRODUCT_ID/VARIANT_ID`` (ids as the channel shows them)."""
    product, _, variant = ref.strip().partition("/")
    if not product or (_ and not variant) or "/" in variant:
        raise LinkRefused(f"listing id {ref!r}: expected PRODUCT_ID or PRODUCT_ID/VARIANT_ID")
    return product, variant or None


def find_listing(config, channel, *, listing_sku: str | None = None, listing_ref: str | None = None) -> Listing:
    """The one listing a person means, read from the channel now."""
    from puente.connectors import registry
    from puente.hooks.errors import PermanentError

    target = registry.catalog_target(channel)
    if listing_ref is not None:
        product_id, variant_id = parse_listing_ref(listing_ref)
        if not hasattr(target, "read_listing"):
            raise LinkRefused(f"{channel.vendor} listings are found by SKU only: use --listing-sku")
        try:
            frame = target.read_listing(product_id, variant_id)
        except PermanentError as exc:
            raise LinkRefused(f"{channel.conn_id}: no listing {listing_ref} ({exc.vendor_message or exc})") from exc
    elif listing_sku:
        frame = target.read_listings(frozenset({listing_sku}))
        frame = frame[frame["sku"] == listing_sku]
    else:
        raise LinkRefused("name the listing: --listing-sku SKU or --listing-id PRODUCT_ID[/VARIANT_ID]")
    found = [Listing(str(row.product_id), None if pd.isna(row.variant_id) else str(row.variant_id), str(row.sku))
             for row in frame.itertuples()]
    if not found:
        raise LinkRefused(f"{channel.conn_id}: no listing {listing_ref or 'with SKU ' + repr(listing_sku)}")
    if len(found) > 1:
        refs = ", ".join(listing.ref for listing in found)
        raise LinkRefused(f"{channel.conn_id}: {len(found)} listings have SKU {listing_sku!r} ({refs}): "
                          "name one with --listing-id")
    return found[0]


def check_erp_sku(config, erp_sku: str) -> None:
    """The ERP has the SKU and it may be synced (a pack or a serial-numbered variant may not)."""
    from puente.connectors import registry

    frame = registry.catalog_source(config.erp).read_catalog(frozenset({erp_sku}))
    rows = frame[frame["sku"] == erp_sku]
    if rows.empty:
        raise LinkRefused(f"the ERP ({config.erp.vendor}) has no product with SKU {erp_sku!r}")
    unsupported = rows["unsupported"].dropna()
    if len(unsupported):
        raise LinkRefused(f"ERP SKU {erp_sku!r} cannot be synced: {unsupported.iloc[0]}")


def link(config, channel, listing: Listing, erp_sku: str, *, actor: str, note: str | None = None,
         links: Any = None) -> str:
    """Keep the link (after ``find_listing`` and ``check_erp_sku``); returns what was done."""
    import sqlalchemy as sa

    from puente.state.manual_links import ManualLinks

    links = links or ManualLinks()
    existing = links.rows(config.tenant, channel.conn_id)
    for row in existing:
        same_listing = (row["product_id"], row["variant_id"] or None) == (listing.product_id, listing.variant_id)
        if same_listing and row["erp_sku"] == erp_sku:
            return f"listing {listing.ref} is already linked to {erp_sku} (by {row['linked_by']})"
        if same_listing:
            raise LinkRefused(f"listing {listing.ref} is linked by hand to {row['erp_sku']} (by {row['linked_by']}, "
                              f"{row['linked_at']:%Y-%m-%d %H:%M}); unlink it first")
        if row["erp_sku"] == erp_sku:
            other = listing_label(row["product_id"], row["variant_id"])
            raise LinkRefused(f"ERP SKU {erp_sku} is linked by hand to listing {other} of {channel.conn_id}: two "
                              "listings selling the same units would oversell; unlink that one first")
    try:
        links.add(config.tenant, channel.conn_id, listing.product_id, listing.variant_id, erp_sku,
                  listing_sku=listing.sku or None, linked_by=actor, note=note)
    except sa.exc.IntegrityError as exc:
        raise LinkRefused(f"listing {listing.ref} or ERP SKU {erp_sku} was linked by someone else just now") from exc
    return f"linked listing {listing.ref} (SKU {listing.sku or 'blank'}) of {channel.conn_id} to ERP SKU {erp_sku}"


def unlink(config, channel, *, erp_sku: str | None = None, listing_ref: str | None = None, links: Any = None) -> str:
    from puente.state.manual_links import ManualLinks

    links = links or ManualLinks()
    rows = links.rows(config.tenant, channel.conn_id)
    if listing_ref is not None:
        product_id, variant_id = parse_listing_ref(listing_ref)
        rows = [r for r in rows if (r["product_id"], r["variant_id"] or None) == (product_id, variant_id)]
    elif erp_sku is not None:
        rows = [r for r in rows if r["erp_sku"] == erp_sku]
    else:
        raise LinkRefused("name the link: --erp-sku SKU or --listing-id PRODUCT_ID[/VARIANT_ID]")
    if not rows:
        raise LinkRefused(f"{channel.conn_id}: no manual link for {listing_ref or erp_sku}")
    row = rows[0]
    links.remove(config.tenant, channel.conn_id, row["product_id"], row["variant_id"] or None)
    ref = listing_label(row["product_id"], row["variant_id"])
    return f"unlinked listing {ref} of {channel.conn_id} from ERP SKU {row['erp_sku']}; the next sync matches it by SKU"
