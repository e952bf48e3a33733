"""Escala settings: the CRM account that crm_sync writes to."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class EscalaSettings(Strict):
    """The Escala CRM account (the connection holds the API key from "Conectar API Escala")."""

    vendor: Literal["escala"]
    conn_id: ConnId
