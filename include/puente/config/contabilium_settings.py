"""Contabilium (Argentina) settings: catalog source and invoice sink (seed: contabilium-jumpseller)."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class ContabiliumSettings(Strict):
    """Contabilium: the connection holds the OAuth client id and secret."""

    vendor: Literal["contabilium"]
    conn_id: ConnId
