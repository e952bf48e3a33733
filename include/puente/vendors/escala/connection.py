"""The Airflow connection form of the ``escala`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "escala", "puente.vendors.escala.hook.EscalaHook", "Escala",
        hidden=("login", "schema", "port"),
        relabeling={"password": "API key"},
        placeholders={
            "host": "https://public-api.escala.com/v1",
            "password": "API key (Perfil y configuraciones > CRM > Apps > Conectar API Escala)",
            "rate_limit_per_second": "5",
        },
        fields=dict(RATE_LIMIT_FIELDS),
    ),
)
