"""Jumpseller settings: a store as a sales channel (catalog target and order source)."""

from __future__ import annotations

from typing import Literal

from puente.config.base import ConnId, Strict


class JumpsellerSettings(Strict):
    """A Jumpseller store as a sales channel."""

    vendor: Literal["jumpseller"]
    conn_id: ConnId
