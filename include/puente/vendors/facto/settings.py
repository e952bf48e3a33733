"""Facto settings: Chilean e-invoicing over SOAP (invoice sink only)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from puente.config.base import ConnId, Strict


class FactoSettings(Strict):
    """Facto (Chile) e-invoicing over SOAP: invoicing only (it has no catalog API)."""

    vendor: Literal["facto"]
    conn_id: ConnId
    payment_terms: str = Field(default="0", description='condiciones_pago: "0" cash, "30" days, ...')
    branch_code: str | None = Field(default=None, description="sucursal: empty = head office")
    boleta_gross_prices: bool = Field(default=True, description="valores_brutos on boletas (lines with IVA)")
