"""Sales-channel settings: Jumpseller stores, Astroselling channels, Mercado Libre accounts.

The Astroselling options are the "Facturación automática" block of the help-center articles
*Conecta Siigo con Astroselling* and *Conecta Alegra con Astroselling* (identical on the channel
side): which origin channels, which order statuses, and whether Mercado Libre fulfillment orders
are invoiced. Their defaults are the articles': nothing selected means every channel and every
status; fulfillment orders are invoiced only "si se activa". The ERP-side options of the same
articles (payment form, default document type, DIAN sending...) live in the ERP's settings.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict

AstrosellingOrderStatus = Literal["pending", "shipped", "completed", "cancelled", "other"]
MercadoLibreOrderStatus = Literal[
    "confirmed", "payment_required", "payment_in_process", "partially_paid", "paid", "cancelled", "invalid",
]


class JumpsellerSettings(Strict):
    """A Jumpseller store as a sales channel."""

    vendor: Literal["jumpseller"]
    conn_id: ConnId


class AstrosellingSettings(Strict):
    """An Astroselling account (its marketplace channels) as catalog target and order source."""

    vendor: Literal["astroselling"]
    conn_id: ConnId
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


class MercadoLibreSettings(Strict):
    """A Mercado Libre seller account as order source (the connection holds the app's Client ID and
    secret and the seller's refresh token; rotated tokens live encrypted in the state DB).

    The Astroselling articles' options that apply to one marketplace account: which order statuses
    and whether fulfillment (Full) orders are invoiced. "Canales de origen" has no meaning here.
    """

    vendor: Literal["mercadolibre"]
    conn_id: ConnId
    order_statuses: list[MercadoLibreOrderStatus] = Field(
        default=["paid"],
        description="Mercado Libre order statuses to invoice; default paid (a Mercado Libre order is a sale once "
        "paid); empty = every status, as the articles' empty selection",
    )
    invoice_fulfillment_orders: bool = Field(
        default=False,
        description='"Facturar órdenes de fulfillment": also invoice orders shipped by Mercado Libre Full '
        "(shipment logistic_type fulfillment); off by default, as in the articles",
    )
