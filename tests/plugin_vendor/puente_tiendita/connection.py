"""Tiendita's Airflow connection form: host and API key."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "tiendita", "puente_tiendita.hook.TienditaHook", "Tiendita",
        hidden=("login", "schema", "port"),
        relabeling={"password": "API key"},
        placeholders={"host": "https://api.tiendita.example", "password": "X-Api-Key value"},
        fields=dict(RATE_LIMIT_FIELDS),
    ),
)
