"""Fixed sandbox credentials shared by the demo's ``airflow_settings.yaml`` and the tests.

Jumpseller documents its auth token as a 32-character string, so the default has exactly 32.
"""

from __future__ import annotations

DEFAULT_ACCESS_TOKEN = "bsale-sandbox-token-cl-0001"
DEFAULT_LOGIN = "puente-demo-store"
DEFAULT_AUTHTOKEN = "js-sandbox-authtoken-0123456789a"

assert len(DEFAULT_AUTHTOKEN) == 32, "Jumpseller auth tokens are 32 characters"

# Store info's ``hooks_token``: the key Jumpseller uses for webhook HMAC signatures.
DEFAULT_HOOKS_TOKEN = "js-sandbox-hooks-token-000000001"

# Facto (SOAP) API access: HTTP Basic with user ``<company RUT with dots>/<api user>`` and a
# 32-hex key, the shape of Facto's published demo credentials (never copied here).
DEFAULT_FACTO_USER = "76.543.210-3/puente"
DEFAULT_FACTO_KEY = "5a1d0c3e9b7f42e68d0f1a2b3c4d5e6f"

assert len(DEFAULT_FACTO_KEY) == 32 and int(DEFAULT_FACTO_KEY, 16) >= 0, "Facto keys are 32 hex chars"

# Escala CRM public API: one ``x-api-key`` per account. Keys seen in public client code are 86
# base64url characters (64 random bytes); the sandbox key has that shape (never a real key).
DEFAULT_ESCALA_API_KEY = "escala-sandbox-api-key-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"

assert len(DEFAULT_ESCALA_API_KEY) == 86, "Escala API keys are 86 base64url characters"

# Siigo Nube API: ``POST /auth`` with the API user (an e-mail) and its access key (Siigo Nube >
# Alianzas > "Mi Credencial API"; base64-looking, like the Blueprint's example), plus the
# ``Partner-Id`` header naming the integrating app (3-100 alphanumerics).
DEFAULT_SIIGO_USER = "api.puente@sandbox-siigo.co"
DEFAULT_SIIGO_ACCESS_KEY = "cHVlbnRlLXNhbmRib3gtc2lpZ286YWNjZXNzLWtleS0wMDAx"
DEFAULT_SIIGO_PARTNER_ID = "PuenteIntegraciones"

# Alegra API: HTTP Basic with the user's e-mail and the API token from Alegra > Configuración >
# "API - Integraciones con otros sistemas"; public client code shows 20 hex characters (this one is made up).
DEFAULT_ALEGRA_EMAIL = "api.puente@sandbox-alegra.co"
DEFAULT_ALEGRA_TOKEN = "a1e6a5a0db0c70e0f042"

assert len(DEFAULT_ALEGRA_TOKEN) == 20 and int(DEFAULT_ALEGRA_TOKEN, 16) >= 0, "Alegra tokens are 20 hex chars"

# Astroselling Jupiter API: one ``api_token`` per user (web app > "Mi cuenta"), a 60-character
# Laravel token like the README's example; generating a new one invalidates the old at once.
DEFAULT_ASTROSELLING_TOKEN = "astroSandboxPuente" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF"

assert len(DEFAULT_ASTROSELLING_TOKEN) == 60, "Astroselling api tokens are 60 characters"

# Mercado Libre: an application's Client ID (a number) and Client Secret (32 characters, inferred
# from public client code), plus the refresh token the seller's consent gave the integration
# (``TG-<hex>-<user_id>``, the shape seen in public clients). The refresh token is single use: the
# sandbox accepts this one once per run, then only the rotated ones it hands out.
DEFAULT_MELI_CLIENT_ID = "5817264093318245"
DEFAULT_MELI_CLIENT_SECRET = "PuenteSandboxMeliClientSecret001"
DEFAULT_MELI_REFRESH_TOKEN = "TG-6650f0c1a2b3c4d5e6f70819-1287654321"

assert len(DEFAULT_MELI_CLIENT_SECRET) == 32, "Mercado Libre client secrets are 32 characters (inferred)"

# Contabilium REST API: ``POST /token`` (client credentials) with the account's e-mail as
# ``client_id`` and the API key (Mi Cuenta > Datos de mi empresa > API) as ``client_secret``.
# The key's real shape was never seen; this one is made up.
DEFAULT_CONTABILIUM_CLIENT_ID = "api.puente@sandbox-contabilium.com.ar"
DEFAULT_CONTABILIUM_CLIENT_SECRET = "cb-sandbox-api-key-7f3a9c2e51d84b06"
