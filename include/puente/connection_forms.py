"""Building blocks of Airflow connection forms that every vendor plug-in shares.

Airflow shows a custom connection type only through an installed distribution's provider info:
``ui-field-behaviour`` (hidden fields, labels, placeholders) and ``conn-fields`` (vendor extras; the
UI stores them as ``extra__<type>__<field>``, the hooks read both spellings). Import-cheap (no
Airflow, no hooks): the providers manager reads the forms in every Airflow process.
"""

from __future__ import annotations

from typing import Any

RATE_LIMIT_FIELDS: dict[str, dict[str, Any]] = {
    "rate_limit_per_second": {
        "label": "Rate limit per second",
        "description": "Requests per second allowed for this account (overrides the hook's default; "
        "0 disables the per-second budget). Shared by every task through the Puente limiter.",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "rate_limit_per_minute": {
        "label": "Rate limit per minute",
        "description": "Requests per minute allowed for this account (overrides the hook's default; "
        "0 disables the per-minute budget).",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "timeout": {
        "label": "Timeout (seconds)",
        "description": "Connect/read timeout per request. Default: 10 s connect, 60 s read.",
        "schema": {"type": ["number", "null"], "minimum": 0},
    },
}


def connection_type(
    conn_type: str,
    hook_class: str,
    hook_name: str,
    *,
    relabeling: dict[str, str],
    placeholders: dict[str, str],
    fields: dict[str, Any],
    hidden: tuple[str, ...] = ("schema", "port"),
) -> dict[str, Any]:
    """One connection form: every vendor hides ``schema``/``port`` and labels ``host`` the API base URL."""
    return {
        "connection-type": conn_type,
        "hook-class-name": hook_class,
        "hook-name": hook_name,
        "ui-field-behaviour": {
            "hidden-fields": list(hidden),
            "relabeling": {"host": "API base URL", **relabeling},
            "placeholders": placeholders,
        },
        "conn-fields": fields,
    }


def timeout_field(description: str) -> dict[str, Any]:
    return {"timeout": {**RATE_LIMIT_FIELDS["timeout"], "description": description}}
