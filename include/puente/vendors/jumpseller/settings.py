"""Jumpseller settings: a store as a sales channel (catalog target and order source)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict


class JumpsellerSettings(Strict):
    """A Jumpseller store as a sales channel."""

    vendor: Literal["jumpseller"]
    conn_id: ConnId
    price_list: int | str | None = Field(
        default=None, description='"Lista de precios" for this channel: the ERP price list whose prices it shows, '
        "instead of the one in the ERP section (two stores on one ERP account can show different prices)",
    )
