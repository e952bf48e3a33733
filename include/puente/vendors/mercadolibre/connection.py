"""The Airflow connection form of the ``mercadolibre`` connection type (see :mod:`puente.connection_forms`)."""

from __future__ import annotations

from puente.connection_forms import RATE_LIMIT_FIELDS, connection_type

CONNECTION_TYPES = (
    connection_type(
        "mercadolibre", "puente.vendors.mercadolibre.hook.MercadoLibreHook", "Mercado Libre",
        relabeling={"login": "Client ID", "password": "Client Secret"},
        placeholders={
            "host": "https://api.mercadolibre.com",
            "login": "App ID (Mercado Libre DevCenter > your application)",
            "password": "Client Secret of the application",
            "refresh_token": "TG-... (from the seller's authorization; offline_access)",
            "rate_limit_per_minute": "1500 (not published)",
        },
        fields={
            "refresh_token": {
                "label": "Refresh token",
                "description": "The seller's refresh token (needs offline_access). Single use: each "
                "refresh returns a new one, which Puente keeps Fernet-encrypted in its state database "
                "(tasks cannot write connections); paste a new one here after re-authorising the seller.",
                "schema": {"type": ["string", "null"]},
            },
            "seller_id": {
                "label": "Seller ID",
                "description": "The seller's user id (empty: asked from /users/me). Needed for notifications: "
                "their user_id is checked against it without calling Mercado Libre.",
                "schema": {"type": ["integer", "null"], "minimum": 1},
            },
            "webhook_token": {
                "label": "Webhook token",
                "description": "This tenant's own secret for Mercado Libre's notifications (at least 16 "
                "characters; Mercado Libre signs nothing). Set the application's Notifications Callback URL "
                "to https://<airflow>/puente/webhooks/mercadolibre/<tenant>?token=<this>, topic orders_v2. "
                "Empty: no notifications.",
                "schema": {"type": ["string", "null"], "format": "password"},
            },
            **RATE_LIMIT_FIELDS,
        },
    ),
)
