"""One helper resolves every run's time window: explicit params -> data interval -> run_after.

Manual, API and webhook runs have no logical date or data interval in Airflow 3, scheduled
cron runs have a zero-length interval, backfills have a real one; every flow asks this function
instead of reading ``ds`` or ``data_interval_*`` itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _as_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def resolve_window(
    *,
    params_from: object = None,
    params_to: object = None,
    interval_start: datetime | None = None,
    interval_end: datetime | None = None,
    run_after: datetime | None = None,
    timezone: str = "UTC",
    lookback: timedelta = timedelta(0),
) -> tuple[datetime, datetime]:
    """Return ``[start, end)`` as aware datetimes.

    Explicit dates are whole days in the tenant's timezone (``to`` inclusive). A real data
    interval is used as is, widened backwards by ``lookback`` (late payments). Otherwise the
    window ends at ``run_after`` and spans ``lookback``.
    """
    tz = ZoneInfo(timezone)
    start_day, end_day = _as_date(params_from), _as_date(params_to)
    if start_day or end_day:
        start_day = start_day or end_day
        end_day = end_day or start_day
        if end_day < start_day:
            raise ValueError(f"date window ends ({end_day}) before it starts ({start_day})")
        return (
            datetime.combine(start_day, time.min, tzinfo=tz),
            datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=tz),
        )
    if interval_start is not None and interval_end is not None and interval_end > interval_start:
        return interval_start - lookback, interval_end
    anchor = run_after or interval_end
    if anchor is None:
        raise ValueError("no window: give dates, a data interval or run_after")
    return anchor - lookback, anchor
