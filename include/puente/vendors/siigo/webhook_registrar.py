"""Siigo's ``webhook_registrar``: the company's ``/v1/webhooks`` subscriptions made to match what the tenant needs.

What is needed: when the tenant's catalog sync reads Siigo, one subscription per product topic
(``public.siigoapi.products.create``, ``.products.update``, ``.products.stock.update``: the
Blueprint's whole list, one ``POST /v1/webhooks`` per topic), each to the tenant's receiver URL
with the tenant's secret (``?token=<webhook_token>``: Siigo signs nothing, see
``puente.vendors.siigo.event_receiver``). ``application_id`` is the connection's Partner-Id (the
Blueprint: "Nombre del software o aplicación que recibirá las notificaciones").

The create / fix / delete rule is the vendor-neutral ``puente.webhook_registration.plan_registration``
(a subscription is Puente's when its URL's path is the tenant's receiver path; others are never
touched). ``POST /v1/webhooks`` has no idempotency key: a create whose answer was lost may have
subscribed, and the next ``register`` sees it listed, so running it again is always safe.

The secret never leaves in what this returns: ``registered`` and ``register`` give URLs with the
token masked (``token=***``), while the comparison and the calls use the real URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from puente.webhook_registration import (
    HookChange,
    NeededHook,
    RegisteredHook,
    RegistrationRefused,
    is_ours,
    plan_registration,
    webhook_url,
)

VENDOR = "siigo"
TOPICS = ("public.siigoapi.products.create", "public.siigoapi.products.update",
          "public.siigoapi.products.stock.update")
MASK = "***"


def _default_hook(conn_id: str) -> Any:
    from puente.vendors.siigo.hook import SiigoHook

    return SiigoHook(conn_id)


def masked(url: str) -> str:
    """The URL with its ``token`` query value replaced by ``***`` (what may be printed)."""
    parts = urlsplit(url)
    query = [(key, MASK if key == "token" else value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def _connection_fields(conn_id: str) -> tuple[str | None, str | None]:
    """(webhook_token, partner_id) of the Siigo connection."""
    from airflow.sdk import BaseHook

    from puente.web.webhook_auth import MIN_TOKEN_LENGTH, TOKEN_FIELD

    extra = BaseHook.get_connection(conn_id).extra_dejson or {}
    token = str(extra.get(TOKEN_FIELD) or "").strip()
    partner = str(extra.get("partner_id") or "").strip()
    return (token if len(token) >= MIN_TOKEN_LENGTH else None), (partner or None)


class SiigoWebhookRegistrar:
    """Reads and writes a tenant's Siigo subscriptions through its Siigo (ERP) connection."""

    def __init__(self, hook_for: Callable[[str], Any] | None = None,
                 connection_fields: Callable[[str], tuple[str | None, str | None]] | None = None) -> None:
        self._hook_for = hook_for or _default_hook
        self._fields = connection_fields or _connection_fields
        self._hooks: dict[str, Any] = {}
        self._inactive: set[str] = set()  # subscriptions Siigo holds with active: false

    def _hook(self, conn_id: str) -> Any:
        if conn_id not in self._hooks:
            self._hooks[conn_id] = self._hook_for(conn_id)
        return self._hooks[conn_id]

    @staticmethod
    def _conn(config: Any) -> str | None:
        return config.erp.conn_id if config.erp.vendor == VENDOR else None

    def _url(self, config: Any, base_url: str) -> str:
        token, _ = self._fields(config.erp.conn_id)
        if token is None:
            raise RegistrationRefused(f"{config.erp.conn_id}: set the connection's 'webhook_token' (at least 16 "
                                      "characters): Siigo signs nothing, so the URL carries the tenant's secret")
        return f"{webhook_url(base_url, VENDOR, config.tenant)}?{urlencode({'token': token})}"

    def needed(self, config: Any, base_url: str) -> list[NeededHook]:
        conn_id = self._conn(config)
        if conn_id is None or not config.flows.catalog_sync.enabled:
            return []
        url = self._url(config, base_url)
        return [NeededHook(conn_id, topic, url) for topic in TOPICS]

    def _registered_raw(self, config: Any) -> list[RegisteredHook]:
        conn_id = self._conn(config)
        if conn_id is None:
            return []
        found = []
        self._inactive = set()
        for hook in self._hook(conn_id).list_webhooks():
            url = str(hook.get("url") or "")
            if hook.get("active") is False:
                self._inactive.add(str(hook.get("id")))
            found.append(RegisteredHook(conn_id, str(hook.get("id")), str(hook.get("topic") or ""), url,
                                        is_ours(url, VENDOR, config.tenant)))
        return found

    def registered(self, config: Any) -> list[RegisteredHook]:
        raw = self._registered_raw(config)
        return [RegisteredHook(h.conn_id, h.hook_id, h.event, masked(h.url), h.ours) for h in raw]

    def register(self, config: Any, base_url: str) -> list[HookChange]:
        needed = self.needed(config, base_url)
        done = []
        for change in plan_registration(needed, self._registered_raw(config)):
            hook = self._hook(change.conn_id)
            _, partner = self._fields(change.conn_id)
            application_id = partner or "Puente"
            if change.action == "created":
                created = hook.create_webhook(application_id, change.event, change.url)
                change = HookChange("created", change.conn_id, change.event, change.url, str(created.get("id")))
            elif change.action == "updated" or (change.action == "kept" and change.hook_id in self._inactive):
                hook.update_webhook(change.hook_id, application_id, change.event, change.url)  # also re-activates
                change = HookChange("updated", change.conn_id, change.event, change.url, change.hook_id)
            elif change.action == "deleted":
                hook.delete_webhook(change.hook_id)
            done.append(HookChange(change.action, change.conn_id, change.event, masked(change.url), change.hook_id))
        return done
