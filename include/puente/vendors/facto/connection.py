"""The Airflow connection form of the ``facto`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type, timeout_field

CONNECTION_TYPES = (
    connection_type(
        "facto", "puente.vendors.facto.hook.FactoHook", "Facto",
        relabeling={"login": "API user (RUT/usuario)", "password": "API key"},
        placeholders={
            "host": "https://conexion.facto.cl",
            "login": "76.543.210-3/usuario (Administración > Servicios API)",
            "password": "32-hex API key",
            "rate_limit_per_second": "2",
            "rate_limit_per_minute": "60",
            "timeout": "120",
        },
        fields={
            **RATE_LIMIT_FIELDS,
            **timeout_field("Connect/read timeout per request. Default: 10 s connect, 120 s read "
                       "(an emission waits for the SII; a timeout leaves its outcome uncertain)."),
        },
    ),
)
