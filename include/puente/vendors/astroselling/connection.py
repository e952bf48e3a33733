"""The Airflow connection form of the ``astroselling`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "astroselling", "puente.vendors.astroselling.hook.AstrosellingHook", "Astroselling",
        hidden=("login", "schema", "port"),
        relabeling={"password": "API token"},
        placeholders={
            "host": "https://nova.astroselling.com/jupiter/v1",
            "password": "api_token (Astroselling > Mi cuenta; a new one invalidates the old)",
            "rate_limit_per_minute": "60 (not published; Laravel's default)",
        },
        fields=dict(RATE_LIMIT_FIELDS),
    ),
)
