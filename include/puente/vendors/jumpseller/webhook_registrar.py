"""Jumpseller's ``webhook_registrar``: the store's hooks (``/v1/hooks.json``) made to match what the tenant needs.

One hook per event (the OpenAPI's ``HookEdit`` takes one ``event`` and one ``url``), the events from
``event_plan.needed_events`` (the official OpenAPI's enum), each pointing at the tenant's receiver
URL; the rule that decides create / fix / delete is the vendor-neutral
``puente.webhook_registration.plan_registration``. ``POST /hooks.json`` has no idempotency key: a
create whose answer was lost may have made the hook, and the next ``register`` sees it listed (and
deletes a duplicate), so running it again is always safe.

Before registering, the connection's webhook identity is checked against the store itself
(``GET /v1/store/info.json``: ``code`` and ``hooks_token``, the OpenAPI's ``Store``): hooks whose
deliveries Puente would refuse would fail every delivery, and Jumpseller deletes a hook after 10
failed attempts (https://jumpseller.com/support/webhooks/). The token is compared in constant time
and never printed.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from puente.vendors.jumpseller.event_plan import needed_events
from puente.vendors.jumpseller.hooks_identity import hooks_identity
from puente.webhook_registration import (
    HookChange,
    NeededHook,
    RegisteredHook,
    RegistrationRefused,
    is_ours,
    plan_registration,
    webhook_url,
)

VENDOR = "jumpseller"


def _default_hook(conn_id: str) -> Any:
    from puente.vendors.jumpseller.hook import JumpsellerHook

    return JumpsellerHook(conn_id)


def _channels(config: Any) -> list[str]:
    return [channel.conn_id for channel in config.channels if channel.vendor == VENDOR]


class JumpsellerWebhookRegistrar:
    """Reads and writes a tenant's Jumpseller hooks through each of its Jumpseller connections."""

    def __init__(self, hook_for: Callable[[str], Any] | None = None) -> None:
        self._hook_for = hook_for or _default_hook
        self._hooks: dict[str, Any] = {}

    def _hook(self, conn_id: str) -> Any:
        if conn_id not in self._hooks:
            self._hooks[conn_id] = self._hook_for(conn_id)
        return self._hooks[conn_id]

    def needed(self, config: Any, base_url: str) -> list[NeededHook]:
        url = webhook_url(base_url, VENDOR, config.tenant)
        return [NeededHook(conn_id, event, url) for conn_id in _channels(config) for event in needed_events(config)]

    def registered(self, config: Any) -> list[RegisteredHook]:
        found = []
        for conn_id in _channels(config):
            for hook in self._hook(conn_id).iter_hooks():
                url = str(hook.get("url") or "")
                found.append(RegisteredHook(conn_id, str(hook.get("id")), str(hook.get("event") or ""), url,
                                            is_ours(url, VENDOR, config.tenant)))
        return found

    def problems(self, config: Any) -> list[str]:
        """Why deliveries to this tenant would be refused: the identity in the connection vs the store's own."""
        found = []
        for conn_id in _channels(config):
            identity = hooks_identity(conn_id)
            if not identity.hooks_token or not identity.store_code:
                found.append(f"{conn_id}: set the connection's 'hooks_token' and 'store_code' "
                             "(the store's hooks token and code, see /v1/store/info.json)")
                continue
            info = self._hook(conn_id).get_store_info() or {}
            code, token = str(info.get("code") or ""), str(info.get("hooks_token") or "")
            if code and code != identity.store_code:
                found.append(f"{conn_id}: store_code {identity.store_code!r} is not this store's code {code!r}")
            if token and not hmac.compare_digest(token.encode(), identity.hooks_token.encode()):
                found.append(f"{conn_id}: hooks_token is not this store's hooks token (it was reset? copy it again)")
        return found

    def register(self, config: Any, base_url: str) -> list[HookChange]:
        if problems := self.problems(config):
            raise RegistrationRefused("; ".join(problems))
        done = []
        for change in plan_registration(self.needed(config, base_url), self.registered(config)):
            hook = self._hook(change.conn_id)
            if change.action == "created":
                created = hook.create_hook(change.event, change.url)
                change = HookChange("created", change.conn_id, change.event, change.url, str(created.get("id")))
            elif change.action == "updated":
                hook.update_hook(change.hook_id, change.event, change.url)
            elif change.action == "deleted":
                hook.delete_hook(change.hook_id)
            done.append(change)
        return done
