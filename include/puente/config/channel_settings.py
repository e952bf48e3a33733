"""Sales-channel settings: Jumpseller stores, Astroselling channels, Mercado Libre accounts."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class JumpsellerSettings(Strict):
    """A Jumpseller store as a sales channel."""

    vendor: Literal["jumpseller"]
    conn_id: ConnId


class AstrosellingSettings(Strict):
    """An Astroselling account (its marketplace channels) as catalog target and order source."""

    vendor: Literal["astroselling"]
    conn_id: ConnId


class MercadoLibreSettings(Strict):
    """A Mercado Libre seller account as order source."""

    vendor: Literal["mercadolibre"]
    conn_id: ConnId
