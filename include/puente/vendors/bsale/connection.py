"""The Airflow connection form of the ``bsale`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "bsale", "puente.vendors.bsale.hook.BsaleHook", "Bsale",
        hidden=("login", "schema", "port"),
        relabeling={"password": "Access token"},
        placeholders={
            "host": "https://api.bsale.io (empty: from country)",
            "password": "access_token of the Bsale user",
            "country": "CL",
        },
        fields={
            "country": {
                "label": "Country",
                "description": "Bsale instance country; picks the API host when Host is empty "
                "(CL api.bsale.io, PE api.bsale.com.pe, MX api.bsale.com.mx).",
                "schema": {"type": ["string", "null"], "enum": ["CL", "PE", "MX", None]},
            },
            "webhook_token": {
                "label": "Webhook token",
                "description": "This tenant's own secret for Bsale's notifications (at least 16 characters); "
                "give Bsale's support the URL /puente/webhooks/bsale/<tenant>?token=<this>. Empty: no webhook.",
                # No minLength here: an empty field must still save; the receiver refuses short tokens (403).
                "schema": {"type": ["string", "null"], "format": "password"},
            },
            **RATE_LIMIT_FIELDS,
        },
    ),
)
