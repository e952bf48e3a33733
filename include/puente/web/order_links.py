"""``order_url`` on attention rows: the channel's own page for the order, where the vendor has one.

Which URL is the vendor plug-in's declaration (``VendorSpec.order_url``), never an if-chain here;
a channel whose vendor declares none, a tenant file that no longer names the channel, or a
function that fails, gives ``None``. One lookup per (tenant, channel) per page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Link = Callable[[str], str | None]


def _no_link(order_id: str) -> None:
    return None


def _channel_link(tenant: str, channel: str) -> Link:
    from puente.config.loader import load_tenants, tenant_paths
    from puente.connectors import registry

    config = load_tenants(tenant_paths(tenant)).tenants.get(tenant)
    settings = next((c for c in config.channels if c.conn_id == channel), None) if config else None
    if settings is None:
        return _no_link
    target = registry.vendor(settings.vendor).order_url
    if not target:
        return _no_link
    build = registry.load(target)

    def link(order_id: str) -> str | None:
        try:
            return build(settings, order_id, config.country)
        except Exception:  # a plug-in's bug hides one link, not the attention list
            return None

    return link


def with_order_urls(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, each with ``order_url`` (a string or None)."""
    links: dict[tuple[str, str], Link] = {}
    for row in rows:
        key = (row["tenant"], row["channel"])
        if key not in links:
            try:
                links[key] = _channel_link(*key)
            except Exception:  # an unreadable tenant file: the rows stay, without links
                links[key] = _no_link
        row["order_url"] = links[key](row["order_id"])
    return rows
