"""What every Puente task sets up before it builds hooks."""

from __future__ import annotations

import os

RATE_LIMIT_URL_ENV = "PUENTE_RATE_LIMIT_URL"


def share_rate_limits() -> None:
    """Make every task of every worker share one budget per vendor account.

    Hooks take their limiter from ``PUENTE_RATE_LIMIT_URL``; unless a deployment chose another
    database (or ``local`` for per-process budgets), the budget lives in Puente's state database,
    which every worker already reaches.
    """
    if not os.environ.get(RATE_LIMIT_URL_ENV):
        from puente.state.store import resolve_state_url

        os.environ[RATE_LIMIT_URL_ENV] = resolve_state_url()
