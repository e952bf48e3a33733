"""Siigo Nube (Colombia) settings: catalog source, invoice sink, CRM invoice source."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class SiigoSettings(Strict):
    """Siigo Nube (Colombia): the connection holds the API user, access key and Partner-Id."""

    vendor: Literal["siigo"]
    conn_id: ConnId
