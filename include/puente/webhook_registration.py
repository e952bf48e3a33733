"""Vendor-neutral webhook registration: the URL a vendor calls, and how registered hooks are made to agree.

Each vendor plug-in whose webhooks are created through its API declares a ``webhook_registrar``
(``puente.connectors.protocols.WebhookRegistrar``); ``puente webhooks register|check``
(``puente.webhooks_cli``) drives it. What is vendor-neutral lives here: the receiver URL of a
tenant (``<base>/puente/webhooks/<vendor>/<tenant>``, the route of ``puente.web.webhooks``), the check
of a base URL given on the command line, and :func:`plan_registration`, the pure rule that turns
"needed" and "registered" into the changes that make them agree without duplicates:

- a hook is *Puente's* when its URL ends with the tenant's receiver path (whatever the host: a
  moved api-server still owns its old hooks); other hooks (another app's) are never touched;
- per needed (connection, event): one of Puente's hooks with the exact URL is kept; else one with
  another URL is updated to it; else one is created; further hooks of Puente's for it are deleted;
- Puente's hooks for events no flow needs any more are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_BASE_URL_CHARS = 500


class RegistrationRefused(Exception):
    """A one-line reason the registration cannot be done (bad URL, tenant, credentials)."""


@dataclass(frozen=True)
class NeededHook:
    conn_id: str
    event: str
    url: str


@dataclass(frozen=True)
class RegisteredHook:
    conn_id: str
    hook_id: str
    event: str
    url: str
    ours: bool  # its URL is this tenant's receiver path (see the module docstring)


@dataclass(frozen=True)
class HookChange:
    action: str  # created | updated | deleted | kept
    conn_id: str
    event: str
    url: str
    hook_id: str | None = None  # None for a hook still to be created


def receiver_path(vendor: str, tenant: str) -> str:
    from puente.web.app import URL_PREFIX  # where the Airflow plugin mounts the webhook route

    return f"{URL_PREFIX}/webhooks/{vendor}/{tenant}"


def webhook_url(base_url: str, vendor: str, tenant: str) -> str:
    return base_url.rstrip("/") + receiver_path(vendor, tenant)


def is_ours(url: str, vendor: str, tenant: str) -> bool:
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path.rstrip("/").endswith(receiver_path(vendor, tenant))


def checked_base_url(given: str | None) -> str:
    """The Airflow api-server's public base URL (scheme and host, maybe a path), or RegistrationRefused."""
    if not given or not given.strip():
        raise RegistrationRefused("no base URL: give --base-url https://<airflow> (or set PUENTE_WEBHOOK_BASE_URL)")
    text = given.strip()
    if len(text) > MAX_BASE_URL_CHARS or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise RegistrationRefused("base URL is too long or has spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise RegistrationRefused(f"base URL {text[:80]!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistrationRefused(f"base URL {text[:80]!r} must be http(s)://host[:port][/path]")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise RegistrationRefused("base URL must have no credentials, query or fragment (vendors call it as is)")
    if port == 0:
        raise RegistrationRefused("base URL has port 0")
    return text.rstrip("/")


def plan_registration(needed: list[NeededHook], registered: list[RegisteredHook]) -> list[HookChange]:
    """The changes that make Puente's registered hooks exactly the needed ones (see the module docstring)."""
    ours = [hook for hook in registered if hook.ours]
    used: set[str] = set()
    changes: list[HookChange] = []
    for need in needed:
        candidates = [h for h in ours if h.conn_id == need.conn_id and h.event == need.event and h.hook_id not in used]
        exact = [h for h in candidates if h.url == need.url]
        if exact:
            keep = exact[0]
            changes.append(HookChange("kept", need.conn_id, need.event, need.url, keep.hook_id))
        elif candidates:
            keep = candidates[0]
            changes.append(HookChange("updated", need.conn_id, need.event, need.url, keep.hook_id))
        else:
            changes.append(HookChange("created", need.conn_id, need.event, need.url))
            continue
        used.add(keep.hook_id)
        for extra in candidates:
            if extra.hook_id not in used:
                used.add(extra.hook_id)
                changes.append(HookChange("deleted", extra.conn_id, extra.event, extra.url, extra.hook_id))
    for hook in ours:
        if hook.hook_id not in used:
            changes.append(HookChange("deleted", hook.conn_id, hook.event, hook.url, hook.hook_id))
    return changes
