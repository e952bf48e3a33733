"""Incident notifications, wired to state: the one call a report task makes after it wrote its report.

``notify_incidents`` turns a run's observations into transitions (``rules.incidents.decide``),
records them (``state.incidents``: each transition won by one run) and sends every message still
owed through Airflow's notifier mechanism: ``SmtpNotifier`` by default, on the tenant's
``notify.smtp_conn_id`` (the SMTP server and its login are that connection's, never the tenant
file's). A notification is never worth a failed run: every error here is logged and the message is
owed again, so the next run retries it. The observation builders read what the run's report and the
ledger already hold; nothing here asks a vendor.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from puente.rules.incidents import (
    CONFIG_ERROR,
    ORDERS_NEED_PERSON,
    VENDOR_OUTAGE,
    Message,
    Observation,
    compose,
    decide,
)

LOG = logging.getLogger(__name__)
SAMPLES = 5

INVOICING_SCOPE = (f"{ORDERS_NEED_PERSON}/invoicing", f"{VENDOR_OUTAGE}/invoicing/", f"{CONFIG_ERROR}/")
CATALOG_SCOPE = (f"{VENDOR_OUTAGE}/catalog_sync/", f"{CONFIG_ERROR}/")


def console_path(tenant: str, kind: str) -> str:
    """Where in the Puente console a person acts on an incident of this kind."""
    if kind == ORDERS_NEED_PERSON:
        return f"/puente/api/attention?tenant={tenant}"
    if kind == CONFIG_ERROR:
        return "/puente/ops"
    return f"/puente/api/tenants/{tenant}/health"


def send(notify: Any, message: Message, context: Any) -> None:
    """Send one message through the SMTP notifier. ``notify()`` rather than ``notifier(context)``:
    calling the notifier renders its fields as Jinja templates, and a vendor's reason is hostile
    text, not a template."""
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    SmtpNotifier(to=list(notify.email), from_email=notify.from_email, subject=message.subject,
                 html_content=message.html(), smtp_conn_id=notify.smtp_conn_id).notify(context)


def notify_incidents(notify: Any, tenant: str, tenant_name: str, observed: Iterable[Observation],
                     scope: Sequence[str], context: Any, *, store: Any = None) -> dict[str, list[str]]:
    """Record what opened and cleared, send what is owed; returns {"sent": [...], "failed": [...]}.

    ``notify``: the tenant's ``NotifySettings`` (or its dict); None = the tenant asked for no
    notifications, and nothing is recorded. Never raises.
    """
    outcome: dict[str, list[str]] = {"sent": [], "failed": []}
    if not notify:
        return outcome
    try:
        from puente.config.notify import NotifySettings
        from puente.state.incidents import CLEARED, OPENED, Incidents

        settings = notify if isinstance(notify, NotifySettings) else NotifySettings.model_validate(notify)
        incidents = Incidents(store)
        decision = decide(incidents.open_keys(tenant), list(observed), scope)
        for observation in decision.opened:
            incidents.open(tenant, observation)
        for observation in decision.ongoing:
            incidents.refresh(tenant, observation)
        for key in decision.cleared:
            incidents.clear(tenant, key)
        for row in incidents.owed(tenant):
            event = row["notice"]
            if event not in (OPENED, CLEARED) or not incidents.take_notice(tenant, row["key"], event):
                continue  # another run is sending it
            message = compose(tenant, tenant_name, event, row["kind"], row["subject"], count=row["count"],
                              summary=row["summary"] or "", samples=row["samples"] or (),
                              console_path=console_path(tenant, row["kind"]))
            try:
                send(settings, message, context)
            except Exception as exc:  # SMTP down, connection missing: owed again, retried next run
                incidents.give_back_notice(tenant, row["key"], event)
                outcome["failed"].append(f"{event} {row['key']}")
                LOG.warning("could not send the %s notice of %s for %s (retried next run): %s: %s", event,
                            row["key"], tenant, exc.__class__.__name__, str(exc)[:300])
            else:
                outcome["sent"].append(f"{event} {row['key']}")
                LOG.info("notified %s: %s %s", ", ".join(settings.email), event, row["key"])
    except Exception as exc:  # state unreachable, a bug: the run's own outcome stands
        LOG.warning("incident notifications for %s skipped this run: %s: %s", tenant, exc.__class__.__name__,
                    str(exc)[:300])
    return outcome


# --- what each run can observe ---------------------------------------------------------------------


def _sample(row: dict) -> str:
    return f"order {row['order_id']} on {row['channel']}: [{row['category'] or row['status']}] {row['reason']}"


def invoicing_observations(tenant: str, lease: Any, channels: Sequence[str], collected: dict[str, bool],
                           erp_conn_id: str, *, store: Any = None) -> list[Observation]:
    """Orders needing a person across every run (the console's attention list, so an order stays an
    incident until it is settled whatever later runs touch), apart from transient vendor errors, which
    the next run retries by itself: those, and a channel whose orders could not be read this run,
    are vendor outages."""
    from puente.state.attention import attention_page

    leases = {tenant: lease}
    page = attention_page(leases, limit=200, store=store)
    transient = attention_page(leases, category="transient", limit=SAMPLES, store=store)
    needing = [row for row in page.rows if row["category"] != "transient"]
    observed = [Observation(ORDERS_NEED_PERSON, "invoicing", page.total - transient.total,
                            f"{page.total - transient.total} orders wait for a person (error or uncertain)",
                            tuple(_sample(row) for row in needing[:SAMPLES]))]
    observed.append(Observation(VENDOR_OUTAGE, f"invoicing/{erp_conn_id}", transient.total,
                                f"{transient.total} orders failed for a transient vendor error; the next run "
                                "retries them", tuple(_sample(row) for row in transient.rows)))
    for channel in channels:
        unread = not collected.get(channel, False)
        observed.append(Observation(VENDOR_OUTAGE, f"invoicing/{channel}", int(unread),
                                    "the channel's orders could not be collected this run: the channel was "
                                    "unreachable or a manual request was refused (see the collect task's log)"
                                    if unread else ""))
    return observed


def catalog_observations(channel_reports: dict[str, dict | None]) -> list[Observation]:
    """A channel whose sync stopped (an outage after the hooks' retries, or a task that did not finish)."""
    observed = []
    for channel, report in sorted(channel_reports.items()):
        error = "the sync task did not finish" if report is None else (report["details"].get("error") or "")
        observed.append(Observation(VENDOR_OUTAGE, f"catalog_sync/{channel}", int(bool(error)), str(error)[:500]))
    return observed


def config_error_observation(file_name: str, problems: Sequence[str]) -> Observation:
    return Observation(CONFIG_ERROR, file_name, len(problems), f"{file_name} failed validation", tuple(problems))


# --- the one call of each report task ----------------------------------------------------------------


def notify_invoicing(config: Any, store: Any, collected: dict[str, bool], context: Any) -> dict[str, list[str]]:
    """After the invoicing report: orders needing a person, vendor outages, a config error gone."""
    from datetime import timedelta

    if config.notify is None:
        return {"sent": [], "failed": []}
    try:
        lease = timedelta(minutes=config.flows.invoicing.claim_lease_minutes)
        observed = invoicing_observations(config.tenant, lease, [c.conn_id for c in config.channels], collected,
                                          config.erp.conn_id, store=store)
    except Exception as exc:
        LOG.warning("incident notifications for %s skipped this run: %s: %s", config.tenant,
                    exc.__class__.__name__, str(exc)[:300])
        return {"sent": [], "failed": []}
    return notify_incidents(config.notify, config.tenant, config.name, observed, INVOICING_SCOPE, context,
                            store=store)


def notify_catalog(notify: Any, tenant: str, tenant_name: str, channel_reports: dict[str, dict | None],
                   context: Any, *, store: Any = None) -> dict[str, list[str]]:
    """After the catalog report: a channel's sync stopped by an outage, a config error gone."""
    return notify_incidents(notify, tenant, tenant_name, catalog_observations(channel_reports), CATALOG_SCOPE,
                            context, store=store)


def notify_config_error(path: Any, problems: Sequence[str], context: Any, *, store: Any = None) -> dict[str, list[str]]:
    """From a broken file's config_error DAG: the file cannot be validated, but its ``notify:`` block
    may still be readable on its own; read here, at run time (never at parse time). A file whose
    notify block is broken too has nobody to tell: logged."""
    from pathlib import Path

    import yaml

    from puente.config.notify import NotifySettings

    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        notify = NotifySettings.model_validate(raw.get("notify")) if isinstance(raw, dict) else None
    except Exception as exc:
        LOG.warning("%s: no usable notify block, nobody is told of its config error (%s)", file.name,
                    exc.__class__.__name__)
        return {"sent": [], "failed": []}
    tenant = file.stem[:64]
    name = str(raw.get("name") or tenant)[:120]
    return notify_incidents(notify, tenant, name, [config_error_observation(file.name, problems)],
                            (f"{CONFIG_ERROR}/{file.name}",), context, store=store)
