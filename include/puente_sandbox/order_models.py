"""Jumpseller orders as the sandbox keeps them: the API's ``order`` object plus parsed keys.

The JSON object is built once (by the generator or an inspection write) and served as is, so a
list page costs no per-request serialisation logic. The parsed ``created`` instant and its date
in the store's timezone are kept next to it because every date filter needs them.

Timestamps follow a real Jumpseller webhook payload (``"2026-07-23 17:48:38 UTC"``): UTC, space
separated, ``UTC`` suffix. The store's timezone is America/Santiago (UTC-4 in winter, UTC-3 in
summer), which is what ``dateFilter`` and ``initialDate``/``finalDate`` are interpreted in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

STORE_TIMEZONE = "America/Santiago"
STORE_TZ = ZoneInfo(STORE_TIMEZONE)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S UTC"

# status_enum -> the translated ``status`` label (spec enum, English locale)
STATUS_LABELS = {
    "paid": "Paid",
    "pending_payment": "Pending Payment",
    "canceled": "Canceled",
    "abandoned": "Abandoned",
}
FULFILLMENT_STATUSES = ("unfulfilled", "fulfilled")
IVA_RATE = 0.19


def format_timestamp(moment: datetime) -> str:
    """``"2024-05-02 14:33:12 UTC"``; an f-string, because strftime dominates 5k-order scenarios."""
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}:{m.second:02d} UTC"


def parse_timestamp(text: str) -> datetime:
    """``"2024-05-02 14:33:12 UTC"`` (or ISO 8601 with an offset) -> aware UTC datetime."""
    text = text.strip()
    if text.endswith(" UTC"):
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without timezone: {text!r}")
    return moment.astimezone(UTC)


def iva_included(gross: float) -> float:
    """IVA contained in a gross (IVA-included) CLP amount, to the peso: ``11900 -> 1900.0``."""
    return float(round(gross - gross / (1 + IVA_RATE)))


@dataclass(slots=True)
class JumpsellerOrder:
    """One order; ``fields`` is exactly what ``GET /v1/orders/{id}.json`` wraps in ``order``."""

    id: int
    created: datetime  # aware, UTC
    local_date: date  # created_at's calendar day in the store timezone
    fields: dict[str, Any]

    @classmethod
    def from_fields(cls, fields: dict[str, Any], created: datetime | None = None) -> JumpsellerOrder:
        """``created`` saves re-parsing ``created_at`` when the caller already has the instant."""
        created = parse_timestamp(str(fields["created_at"])) if created is None else created.astimezone(UTC)
        return cls(int(fields["id"]), created, created.astimezone(STORE_TZ).date(), fields)

    @property
    def status_enum(self) -> str:
        return str(self.fields.get("status_enum", ""))

    @property
    def fulfillment_status(self) -> str:
        return str(self.fields.get("fulfillment_status", ""))

    def as_json(self) -> dict[str, Any]:
        return {"order": self.fields}
