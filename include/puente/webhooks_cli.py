"""``puente webhooks register|check <tenant>``: the vendors' webhooks a tenant needs, made and shown.

Vendor-neutral: every vendor of the tenant (ERP, channels, CRM) whose plug-in declares a
``webhook_registrar`` is asked (``puente.webhook_registration`` has the rules). ``register``
creates what is missing, fixes a hook whose URL is wrong, deletes duplicates and hooks no flow
needs, and says each change; a second run changes nothing. ``check`` prints needed vs registered
and exits 1 when they differ (or the vendor would refuse the deliveries), so a script can watch it.
Every refusal is one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

BASE_URL_ENV = "PUENTE_WEBHOOK_BASE_URL"


def add_commands(commands: argparse._SubParsersAction) -> None:
    webhooks = commands.add_parser("webhooks", help="vendor webhooks of a tenant: register them, check them")
    sub = webhooks.add_subparsers(dest="webhooks_command", required=True)
    for name, handler, text in (("register", register, "create/fix the hooks the tenant needs (idempotent)"),
                                ("check", check, "show registered vs needed hooks (exit 1 if they differ)")):
        command = sub.add_parser(name, help=text)
        command.add_argument("tenant")
        command.add_argument("--base-url", default=None,
                             help=f"public URL of the Airflow api-server (default: ${BASE_URL_ENV})")
        command.set_defaults(handler=handler)


def _registrars(tenant: str) -> tuple[Any, list[tuple[str, Any]]]:
    from puente.catalog_links import LinkRefused, tenant_config
    from puente.config.base import TENANT_ID
    from puente.connectors import registry
    from puente.webhook_registration import RegistrationRefused

    if not TENANT_ID.match(tenant):
        raise RegistrationRefused(f"{tenant[:80]!r} is not a tenant id")
    try:
        config = tenant_config(tenant)
    except LinkRefused as exc:
        raise RegistrationRefused(str(exc)) from None
    vendors = [config.erp.vendor, *(channel.vendor for channel in config.channels)]
    vendors += [config.crm.vendor] if config.crm is not None else []
    able = registry.vendors_with("webhook_registrar")
    found = [(vendor, registry.connector_class("webhook_registrar", vendor)())
             for vendor in dict.fromkeys(vendors) if vendor in able]
    if not found:
        raise RegistrationRefused(f"tenant {tenant}: none of its vendors ({', '.join(dict.fromkeys(vendors))}) "
                                  "has webhooks Puente registers through an API")
    return config, found


def _base_url(given: str | None) -> str:
    from puente.webhook_registration import checked_base_url

    return checked_base_url(given if given is not None else os.environ.get(BASE_URL_ENV))


def _guarded(action) -> int:
    from puente.webhook_registration import RegistrationRefused

    try:
        return action()
    except RegistrationRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
    except Exception as exc:  # a vendor refusal, an outage, a missing connection: one line, no traceback
        text = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: {exc.__class__.__name__}: {text[:300]}", file=sys.stderr)
    return 1


def register(args: argparse.Namespace) -> int:
    def run() -> int:
        base_url = _base_url(args.base_url)
        config, registrars = _registrars(args.tenant)
        changed = 0
        for vendor, registrar in registrars:
            for change in registrar.register(config, base_url):
                print(f"{change.action:<8} {vendor} {change.conn_id} {change.event} -> {change.url}"
                      + (f" (hook {change.hook_id})" if change.hook_id else ""))
                changed += change.action != "kept"
        print(f"{changed} change(s)" + ("; already registered" if not changed else ""), file=sys.stderr)
        return 0

    return _guarded(run)


def check(args: argparse.Namespace) -> int:
    from puente.webhook_registration import plan_registration

    def run() -> int:
        base_url = _base_url(args.base_url)
        config, registrars = _registrars(args.tenant)
        out_of_sync = 0
        for vendor, registrar in registrars:
            for problem in getattr(registrar, "problems", lambda _config: [])(config):
                print(f"problem  {vendor} {problem}")
                out_of_sync += 1
            needed, registered = registrar.needed(config, base_url), registrar.registered(config)
            for change in plan_registration(needed, registered):
                state = {"kept": "ok", "created": "missing", "updated": "wrong-url", "deleted": "extra"}[change.action]
                shown = next((h.url for h in registered if h.hook_id == change.hook_id), change.url)
                print(f"{state:<9} {vendor} {change.conn_id} {change.event} {shown}"
                      + (f" (hook {change.hook_id})" if change.hook_id else ""))
                out_of_sync += change.action != "kept"
            for hook in registered:
                if not hook.ours:
                    print(f"other    {vendor} {hook.conn_id} {hook.event} {hook.url} "
                          f"(hook {hook.hook_id}, not Puente's)")
        print("in sync" if not out_of_sync else f"{out_of_sync} difference(s): run `puente webhooks register "
              f"{args.tenant}`", file=sys.stderr)
        return 1 if out_of_sync else 0

    return _guarded(run)
