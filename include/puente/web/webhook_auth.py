"""Whose webhook is this: the tenant named in the URL, its source of that vendor, its own secret.

Why per tenant: one shared secret (the old ``puente_webhooks`` connection) opened every tenant's
URL, so a token handed to one merchant's Bsale triggered another merchant's runs. Now the secret
is a field of the tenant's own vendor connection (``webhook_token`` on its Bsale connection, in
the connection form), and a tenant whose configuration has no such source has no webhook at all.
Bsale signs nothing, so the secret travels in the URL Bsale's support registers
(``/puente/webhooks/bsale/<tenant>?token=...``); it is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
from typing import Any

from puente.web.webhook_input import Refused

TOKEN_FIELD = "webhook_token"
MIN_TOKEN_LENGTH = 16  # a guessable secret is no secret: shorter ones are not used


def tenant_config(tenant: str) -> Any:
    """The tenant's validated configuration; 404 for an unknown tenant, 409 for a broken file."""
    from puente.config.base import TENANT_ID
    from puente.config.loader import load_tenants, tenant_paths

    if not TENANT_ID.match(tenant):
        raise Refused(404, "unknown tenant")
    paths = tenant_paths(tenant)
    if not paths:
        raise Refused(404, "unknown tenant")
    loaded = load_tenants(paths)
    if tenant not in loaded.tenants:
        raise Refused(409, f"tenant {tenant} has an invalid configuration (see its config_error DAG)")
    return loaded.tenants[tenant]


def source_connection(config: Any, vendor: str) -> str:
    """The connection id of the tenant's ``vendor`` source (its ERP or one of its channels)."""
    if config.erp.vendor == vendor:
        return config.erp.conn_id
    for channel in config.channels:
        if channel.vendor == vendor:
            return channel.conn_id
    raise Refused(404, f"tenant {config.tenant} has no {vendor} source")


def _configured_token(conn_id: str, vendor: str) -> str | None:
    try:
        from airflow.sdk import BaseHook

        extra = BaseHook.get_connection(conn_id).extra_dejson
    except Exception:  # a missing or unreadable connection: no webhook, said as such below
        return None
    for key in (TOKEN_FIELD, f"extra__{vendor}__{TOKEN_FIELD}"):
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def check_token(conn_id: str, vendor: str, given: str) -> None:
    expected = _configured_token(conn_id, vendor)
    if expected is None or len(expected) < MIN_TOKEN_LENGTH:
        raise Refused(403, f"webhooks are not enabled for this tenant's {vendor} connection "
                           f"(set its '{TOKEN_FIELD}', at least {MIN_TOKEN_LENGTH} characters)")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        raise Refused(401, "bad or missing webhook token")
