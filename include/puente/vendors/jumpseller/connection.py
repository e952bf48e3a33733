"""The Airflow connection form of the ``jumpseller`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "jumpseller", "puente.vendors.jumpseller.hook.JumpsellerHook", "Jumpseller",
        relabeling={"login": "Store login", "password": "Auth token"},
        placeholders={
            "host": "https://api.jumpseller.com",
            "login": "store login (Admin > Account)",
            "password": "32-character auth token",
            "rate_limit_per_second": "20",
            "rate_limit_per_minute": "800",
        },
        fields=dict(RATE_LIMIT_FIELDS),
    ),
)
