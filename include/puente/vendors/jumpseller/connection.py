"""The Airflow connection form of the ``jumpseller`` connection type (see :mod:`puente.connection_forms`).

Besides the API login and auth token it holds the store's webhook identity: ``hooks_token``, the
secret Jumpseller keys each delivery's ``Jumpseller-Hmac-Sha256`` with (the store's "hooks token",
the ``hooks_token`` field of ``GET /v1/store/info.json`` in the official OpenAPI's ``Store``), and
``store_code``, the store's code (``Store.code``, its subdomain), which every delivery names in
``Jumpseller-Store-Code``: a delivery signed with the right token for another store is still refused.
``puente webhooks check`` compares both with the store's own ``/store/info.json``.
"""

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
        fields={
            "hooks_token": {
                "label": "Hooks token",
                "description": "The store's hooks token (Jumpseller admin, or hooks_token of /v1/store/info.json): "
                "the key of every webhook's Jumpseller-Hmac-Sha256 signature. Empty: no webhooks for this store.",
                "schema": {"type": ["string", "null"], "format": "password"},
            },
            "store_code": {
                "label": "Store code",
                "description": "The store's code (its subdomain, code of /v1/store/info.json); "
                "webhooks naming another store in Jumpseller-Store-Code are refused.",
                "schema": {"type": ["string", "null"]},
            },
            **RATE_LIMIT_FIELDS,
        },
    ),
)
