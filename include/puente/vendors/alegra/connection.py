"""The Airflow connection form of the ``alegra`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "alegra", "puente.vendors.alegra.hook.AlegraHook", "Alegra",
        relabeling={"login": "User e-mail", "password": "API token"},
        placeholders={
            "host": "https://api.alegra.com/api/v1",
            "login": "usuario@empresa.co (the Alegra user that owns the token)",
            "password": "token (Alegra > Configuración > Integraciones > API)",
            "rate_limit_per_minute": "150",
        },
        fields=dict(RATE_LIMIT_FIELDS),
    ),
)
