"""Astroselling settings: an account whose marketplace channels are catalog targets and order sources.

The options are the "Facturación automática" block of the help-center articles *Conecta Siigo con
Astroselling* and *Conecta Alegra con Astroselling* (identical on the channel side): which origin
channels, which order statuses, and whether Mercado Libre fulfillment orders are invoiced. Their
defaults are the articles': nothing selected means every channel and every status; fulfillment
orders are invoiced only "si se activa". The ERP-side options of the same articles (payment form,
default document type, DIAN sending...) live in the ERP's settings.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict

AstrosellingOrderStatus = Literal["pending", "shipped", "completed", "cancelled", "other"]


class AstrosellingSettings(Strict):
    """An Astroselling account (its marketplace channels) as catalog target and order source."""

    vendor: Literal["astroselling"]
    conn_id: ConnId
    price_list: int | str | None = Field(
        default=None, description='"Lista de precios" for this channel: the ERP price list whose prices it shows, '
        "instead of the one in the ERP section (two stores on one ERP account can show different prices)",
    )
    origin_channels: list[int | str] = Field(
        default=[],
        description='"Canales de origen": Astroselling channel ids (e.g. 9101) or marketplace types '
        '(e.g. "mercadolibre") whose orders are invoiced; empty = every channel (the article\'s default)',
    )
    order_statuses: list[AstrosellingOrderStatus] = Field(
        default=[],
        description='"Estado de las órdenes": pending, shipped, completed, cancelled, other; '
        "empty = every order whatever its status (the article's default)",
    )
    invoice_fulfillment_orders: bool = Field(
        default=False,
        description='"Facturar órdenes de fulfillment": also invoice Mercado Libre fulfillment (Full) orders; '
        "off by default (the article: only if activated)",
    )
    catalog_channels: list[int | str] = Field(
        default=[],
        description="catalog sync: Astroselling channel ids or marketplace types whose products get the ERP's "
        "stock and price (Jupiter sets them per channel); empty = every channel of the account",
    )
