"""Alegra (Colombia) settings: catalog source and invoice sink (seed: alegra-astroselling)."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class AlegraSettings(Strict):
    """Alegra: the connection holds the account e-mail (login) and API token (password)."""

    vendor: Literal["alegra"]
    conn_id: ConnId
