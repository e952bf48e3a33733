from datetime import UTC, datetime, timedelta

import pytest

from puente.rules.windows import resolve_window

RUN = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def test_explicit_dates_are_whole_days_in_the_tenant_timezone():
    start, end = resolve_window(params_from="2026-11-01", params_to="2026-11-02", timezone="America/Bogota",
                                run_after=RUN)
    assert start.isoformat() == "2026-11-01T00:00:00-05:00"
    assert end.isoformat() == "2026-11-03T00:00:00-05:00"


def test_a_single_date_means_that_day():
    start, end = resolve_window(params_to="2026-11-02", timezone="UTC")
    assert (end - start) == timedelta(days=1)


def test_data_interval_widened_by_lookback():
    start, end = resolve_window(interval_start=RUN - timedelta(hours=1), interval_end=RUN, run_after=RUN,
                                lookback=timedelta(hours=2))
    assert (start, end) == (RUN - timedelta(hours=3), RUN)


def test_manual_or_cron_run_without_interval_ends_at_run_after():
    start, end = resolve_window(interval_start=RUN, interval_end=RUN, run_after=RUN, lookback=timedelta(days=2))
    assert (start, end) == (RUN - timedelta(days=2), RUN)


def test_inverted_dates_are_refused():
    with pytest.raises(ValueError, match="before it starts"):
        resolve_window(params_from="2026-11-05", params_to="2026-11-01")
