"""Small query pieces the console's lists share."""

from __future__ import annotations

import sqlalchemy as sa


def starts_with(column: sa.ColumnElement, text: str) -> sa.ColumnElement[bool]:
    """``column LIKE 'text%'`` with ``%``, ``_`` and ``\\`` in ``text`` taken literally (a person pastes
    part of an id; a wildcard in it is a character, not a pattern)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")
