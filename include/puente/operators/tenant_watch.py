"""The watch DAG's task: every tenant file's validity and every webhook source's last event -> incidents.

Operators only wire: what counts as an incident is ``puente.rules.incidents`` (``quiet_sources``),
what is sent and recorded is ``puente.operators.notify.notify_incidents``. One tenant's failure
(its state row, its SMTP server) is logged and never stops the others; the task's return value
(in its log) lists what was sent per tenant.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseOperator

LOG = logging.getLogger(__name__)


def webhook_sources(config: Any) -> list[str]:
    """The tenant's vendors that send webhooks to Puente (a plug-in with an ``event_receiver``)."""
    from puente.connectors import registry

    receivers = registry.vendors_with("event_receiver")
    return sorted({vendor for vendor in config.vendors() if vendor in receivers})


def quiet_observations(config: Any, events: Any, now: datetime) -> tuple[list, tuple[str, ...]]:
    """(observations, scope) of the tenant's webhook sources; nothing when the tenant does not watch them."""
    from puente.rules.incidents import SOURCE_QUIET, quiet_sources

    minutes = config.notify.quiet_after_minutes if config.notify else None
    sources = webhook_sources(config)
    if not minutes or not sources:
        return [], ()
    last = {row["source"]: row["last_event_at"] for row in events.rows(config.tenant)}
    observed = quiet_sources({source: last.get(source) for source in sources}, now, timedelta(minutes=minutes))
    return observed, tuple(f"{SOURCE_QUIET}/{source}" for source in sources)


def watch_tenants(context: Any, *, now: datetime | None = None, store: Any = None) -> dict[str, list[str]]:
    """One pass over every tenant file; returns {tenant: [sent messages]}."""
    from puente.config.loader import load_tenants, tenant_files
    from puente.operators.notify import config_error_observation, notify_config_error, notify_incidents
    from puente.rules.incidents import CONFIG_ERROR
    from puente.state.source_events import SourceEvents

    now = now or datetime.now(UTC)
    result = load_tenants(tenant_files())
    sent: dict[str, list[str]] = {}
    for error in result.errors:
        problems = [f"{problem.field}: {problem.reason}" for problem in error.errors]
        outcome = notify_config_error(error.path, problems, context, store=store)
        sent[error.path.stem] = outcome["sent"]
    events = SourceEvents(store)
    for tenant, config in result.tenants.items():
        if config.notify is None:
            continue
        file_name = result.paths[tenant].name
        observed = [config_error_observation(file_name, [])]  # valid now: an open config error clears
        scope: tuple[str, ...] = (f"{CONFIG_ERROR}/{file_name}",)
        try:
            quiet, quiet_scope = quiet_observations(config, events, now)
        except Exception as exc:  # the state DB: the config-error half still runs
            LOG.warning("%s: its sources' last events could not be read: %s", tenant, exc.__class__.__name__)
            quiet, quiet_scope = [], ()
        outcome = notify_incidents(config.notify, tenant, config.name, [*observed, *quiet], (*scope, *quiet_scope),
                                   context, store=store)
        sent[tenant] = outcome["sent"]
    return {tenant: messages for tenant, messages in sent.items() if messages}


class TenantWatchOperator(BaseOperator):
    ui_color = "#e8eef7"

    def execute(self, context: Any) -> dict[str, list[str]]:
        sent = watch_tenants(context)
        LOG.info("incident messages sent this pass: %s", sent or "none")
        return sent
