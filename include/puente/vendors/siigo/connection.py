"""The Airflow connection form of the ``siigo`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type, timeout_field

CONNECTION_TYPES = (
    connection_type(
        "siigo", "puente.vendors.siigo.hook.SiigoHook", "Siigo",
        relabeling={"login": "API user (username)", "password": "Access key"},
        placeholders={
            "host": "https://api.siigo.com",
            "login": "usuario@empresa.com (Siigo Nube > Alianzas > Mi Credencial API)",
            "password": "access key of the API user",
            "partner_id": "NombreDeTuApp",
            "rate_limit_per_minute": "100 (Siigo's test company: 10)",
            "timeout": "120",
        },
        fields={
            "partner_id": {
                "label": "Partner-Id",
                "description": "Sent as the Partner-Id header on every Siigo request: the integrating "
                "application's name, 3-100 letters or digits, no spaces (required by Siigo).",
                "schema": {"type": ["string", "null"], "pattern": "^[A-Za-z0-9]{3,100}$"},
            },
            "webhook_token": {
                "label": "Webhook token",
                "description": "This tenant's own secret for Siigo's product webhooks (at least 16 "
                "characters; Siigo signs nothing). `puente webhooks register <tenant>` subscribes "
                "/puente/webhooks/siigo/<tenant>?token=<this>. Empty: no webhooks.",
                "schema": {"type": ["string", "null"], "format": "password"},
            },
            "company_key": {
                "label": "Company key",
                "description": "Siigo's company_key of this company (in Siigo's answer to every webhook "
                "subscription and in GET /v1/webhooks); when set, webhook events of another company are refused.",
                "schema": {"type": ["string", "null"]},
            },
            **RATE_LIMIT_FIELDS,
            **timeout_field("Connect/read timeout per request. Default: 10 s connect, 120 s read "
                       "(Siigo recommends waiting at least 120 s for document creation)."),
        },
    ),
)
