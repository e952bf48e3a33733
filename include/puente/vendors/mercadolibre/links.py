"""The Mercado Libre sale page of one order ("Ventas" > detail), for the console's attention list.

The seller's sales live on the country site (``mercadolibre.cl``, ``.com.co``, ...); the tenant's
country picks it. Order ids are digits; anything else gets no link.
"""

from __future__ import annotations

from typing import Any

SITES = {"CL": "mercadolibre.cl", "CO": "mercadolibre.com.co", "AR": "mercadolibre.com.ar",
         "PE": "mercadolibre.com.pe", "MX": "mercadolibre.com.mx"}


def order_url(settings: Any, order_id: str, country: str) -> str | None:
    site = SITES.get(country)
    if site is None or not str(order_id).isdigit():
        return None
    return f"https://www.{site}/ventas/{order_id}/detalle"
