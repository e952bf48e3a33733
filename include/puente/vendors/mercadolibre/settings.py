"""Mercado Libre settings: a seller account as order source."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict

MercadoLibreOrderStatus = Literal[
    "confirmed", "payment_required", "payment_in_process", "partially_paid", "paid", "cancelled", "invalid",
]


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
