"""Airflow provider info for the ``puente`` distribution (entry point ``apache_airflow_provider``).

Custom connection types reach the Airflow UI/CLI only through an installed distribution's
provider info, and the hook form methods are deprecated since 3.2, so the connection forms are
declared here: ``ui-field-behaviour`` (hidden fields, labels, placeholders) and ``conn-fields``
(vendor extras; the UI stores them as ``extra__<type>__<field>``, the hooks read both spellings).
The runtime schema is ``airflow/provider_info.schema.json``; this module must stay import-cheap
(no Airflow, no hooks): the providers manager calls it in every Airflow process.
"""

from __future__ import annotations

from typing import Any

_RATE_LIMIT_FIELDS: dict[str, dict[str, Any]] = {
    "rate_limit_per_second": {
        "label": "Rate limit per second",
        "description": "Requests per second allowed for this account (overrides the hook's default; "
        "0 disables the per-second budget). Shared by every task through the Puente limiter.",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "rate_limit_per_minute": {
        "label": "Rate limit per minute",
        "description": "Requests per minute allowed for this account (overrides the hook's default; "
        "0 disables the per-minute budget).",
        "schema": {"type": ["integer", "null"], "minimum": 0},
    },
    "timeout": {
        "label": "Timeout (seconds)",
        "description": "Connect/read timeout per request. Default: 10 s connect, 60 s read.",
        "schema": {"type": ["number", "null"], "minimum": 0},
    },
}


def _connection_type(
    conn_type: str,
    hook_class: str,
    hook_name: str,
    *,
    relabeling: dict[str, str],
    placeholders: dict[str, str],
    fields: dict[str, Any],
    hidden: tuple[str, ...] = ("schema", "port"),
) -> dict[str, Any]:
    """One connection form: every vendor hides ``schema``/``port`` and labels ``host`` the API base URL."""
    return {
        "connection-type": conn_type,
        "hook-class-name": hook_class,
        "hook-name": hook_name,
        "ui-field-behaviour": {
            "hidden-fields": list(hidden),
            "relabeling": {"host": "API base URL", **relabeling},
            "placeholders": placeholders,
        },
        "conn-fields": fields,
    }


def _timeout(description: str) -> dict[str, Any]:
    return {"timeout": {**_RATE_LIMIT_FIELDS["timeout"], "description": description}}


CONNECTION_TYPES: tuple[dict[str, Any], ...] = (
    _connection_type(
        "bsale", "puente.hooks.bsale.BsaleHook", "Bsale",
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
            **_RATE_LIMIT_FIELDS,
        },
    ),
    _connection_type(
        "contabilium", "puente.hooks.contabilium.ContabiliumHook", "Contabilium",
        relabeling={"login": "Client ID (account e-mail)", "password": "API key"},
        placeholders={
            "host": "https://rest.contabilium.com (empty: from country)",
            "login": "usuario@empresa.com.ar",
            "password": "API key (Mi Cuenta > Datos de mi empresa > API)",
            "country": "AR",
        },
        fields={
            "country": {
                "label": "Country",
                "description": "Contabilium instance country; picks the API host when Host is empty "
                "(AR rest.contabilium.com, CL rest.contabilium.cl, UY rest.contabilium.com.uy). "
                "Budget: 30 requests per 10 s (set by the hook).",
                "schema": {"type": ["string", "null"], "enum": ["AR", "CL", "UY", None]},
            },
            "timeout": _RATE_LIMIT_FIELDS["timeout"],
        },
    ),
    _connection_type(
        "jumpseller", "puente.hooks.jumpseller.JumpsellerHook", "Jumpseller",
        relabeling={"login": "Store login", "password": "Auth token"},
        placeholders={
            "host": "https://api.jumpseller.com",
            "login": "store login (Admin > Account)",
            "password": "32-character auth token",
            "rate_limit_per_second": "20",
            "rate_limit_per_minute": "800",
        },
        fields=dict(_RATE_LIMIT_FIELDS),
    ),
    _connection_type(
        "facto", "puente.hooks.facto.FactoHook", "Facto",
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
            **_RATE_LIMIT_FIELDS,
            **_timeout("Connect/read timeout per request. Default: 10 s connect, 120 s read "
                       "(an emission waits for the SII; a timeout leaves its outcome uncertain)."),
        },
    ),
    _connection_type(
        "siigo", "puente.hooks.siigo.SiigoHook", "Siigo",
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
            **_RATE_LIMIT_FIELDS,
            **_timeout("Connect/read timeout per request. Default: 10 s connect, 120 s read "
                       "(Siigo recommends waiting at least 120 s for document creation)."),
        },
    ),
    _connection_type(
        "alegra", "puente.hooks.alegra.AlegraHook", "Alegra",
        relabeling={"login": "User e-mail", "password": "API token"},
        placeholders={
            "host": "https://api.alegra.com/api/v1",
            "login": "usuario@empresa.co (the Alegra user that owns the token)",
            "password": "token (Alegra > Configuración > Integraciones > API)",
            "rate_limit_per_minute": "150",
        },
        fields=dict(_RATE_LIMIT_FIELDS),
    ),
    _connection_type(
        "escala", "puente.hooks.escala.EscalaHook", "Escala",
        hidden=("login", "schema", "port"),
        relabeling={"password": "API key"},
        placeholders={
            "host": "https://public-api.escala.com/v1",
            "password": "API key (Perfil y configuraciones > CRM > Apps > Conectar API Escala)",
            "rate_limit_per_second": "5",
        },
        fields=dict(_RATE_LIMIT_FIELDS),
    ),
    _connection_type(
        "astroselling", "puente.hooks.astroselling.AstrosellingHook", "Astroselling",
        hidden=("login", "schema", "port"),
        relabeling={"password": "API token"},
        placeholders={
            "host": "https://nova.astroselling.com/jupiter/v1",
            "password": "api_token (Astroselling > Mi cuenta; a new one invalidates the old)",
            "rate_limit_per_minute": "60 (not published; Laravel's default)",
        },
        fields=dict(_RATE_LIMIT_FIELDS),
    ),
    _connection_type(
        "mercadolibre", "puente.hooks.mercadolibre.MercadoLibreHook", "Mercado Libre",
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
                "description": "The seller's user id (empty: asked from /users/me).",
                "schema": {"type": ["integer", "null"], "minimum": 1},
            },
            **_RATE_LIMIT_FIELDS,
        },
    ),
)


def get_provider_info() -> dict[str, Any]:
    """Provider metadata read by ``airflow.providers_manager`` (``package-name`` = distribution name).

    One hook entry per connection type: its module, named like the form.
    """
    return {
        "package-name": "puente",
        "name": "Puente",
        "description": "Puente vendor hooks (ERPs, sales channels, CRMs) for LatAm integrations.",
        "hooks": [
            {"integration-name": kind["hook-name"], "python-modules": [kind["hook-class-name"].rpartition(".")[0]]}
            for kind in CONNECTION_TYPES
        ],
        "connection-types": list(CONNECTION_TYPES),
    }
