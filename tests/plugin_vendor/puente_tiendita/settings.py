"""Tiendita's section of a tenant file: ``erp: {vendor: tiendita, conn_id: ...}``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict


class TienditaSettings(Strict):
    vendor: Literal["tiendita"]
    conn_id: ConnId
    vat_rate: float = Field(default=0.19, ge=0, le=1, description="the tax rate inside Tiendita's prices")
