"""Incidents: when a problem opens, when it clears, and what the one message about each says.

A person wants one message when something starts needing them and one when it is over, never one
per hourly run. So a run does not notify what it saw; it reports observations (kind, subject, how
many, a few examples) and this module compares them with the incidents already open: an
observation with a count that is not open yet opens, an open incident that the run could speak
about (``scope``) and no longer sees clears, everything else is quiet. Pure functions: the state
module records the transitions atomically, the operator side sends the messages.

Keys are ``<kind>/<subject>``, per tenant: ``orders_need_person/invoicing``,
``vendor_outage/invoicing/<conn_id>``, ``config_error/<file>``, ``source_quiet/<source>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

ORDERS_NEED_PERSON = "orders_need_person"
VENDOR_OUTAGE = "vendor_outage"
CONFIG_ERROR = "config_error"
SOURCE_QUIET = "source_quiet"
KINDS = (ORDERS_NEED_PERSON, VENDOR_OUTAGE, CONFIG_ERROR, SOURCE_QUIET)

MAX_SAMPLES = 5
MAX_LINE = 300  # a vendor's reason is quoted, but never a whole HTML error page

TITLES = {
    ORDERS_NEED_PERSON: "orders need a person",
    VENDOR_OUTAGE: "vendor unreachable",
    CONFIG_ERROR: "invalid tenant file",
    SOURCE_QUIET: "webhook source gone quiet",
}


def incident_key(kind: str, subject: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown incident kind {kind!r}")
    return f"{kind}/{subject}"


@dataclass(frozen=True)
class Observation:
    """What one run saw of one possible incident; ``count`` 0 = seen and fine."""

    kind: str
    subject: str
    count: int
    summary: str = ""
    samples: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return incident_key(self.kind, self.subject)


@dataclass(frozen=True)
class Decision:
    opened: tuple[Observation, ...]  # not open before, seen now: one "opened" message each
    cleared: tuple[str, ...]  # keys open before, in scope, not seen now: one "cleared" message each
    ongoing: tuple[Observation, ...]  # open before and still seen: no message, the summary is refreshed


def in_scope(key: str, scope: Iterable[str]) -> bool:
    """``scope``: keys, or prefixes ending in ``/``, of what the caller's run can observe."""
    return any(key == item or (item.endswith("/") and key.startswith(item)) for item in scope)


def decide(open_keys: Iterable[str], observed: Iterable[Observation], scope: Iterable[str]) -> Decision:
    """Compare what a run observed with the incidents open in state.

    Only incidents inside ``scope`` can clear: an invoicing run says nothing about the catalog's
    outage, so it must not clear it. An observation outside the scope is a caller's bug.
    """
    scope = tuple(scope)
    already = set(open_keys)
    seen: dict[str, Observation] = {}
    for observation in observed:
        if not in_scope(observation.key, scope):
            raise ValueError(f"{observation.key} is outside the run's scope {scope}")
        if observation.count > 0:
            seen[observation.key] = observation
    opened = tuple(obs for key, obs in sorted(seen.items()) if key not in already)
    ongoing = tuple(obs for key, obs in sorted(seen.items()) if key in already)
    cleared = tuple(sorted(key for key in already if in_scope(key, scope) and key not in seen))
    return Decision(opened, cleared, ongoing)


def quiet_sources(last_event_at: Mapping[str, datetime | None], now: datetime,
                  quiet_after: timedelta) -> list[Observation]:
    """A webhook source that sent nothing for ``quiet_after`` (or never did) is a ``source_quiet``
    observation; the others are seen and fine (count 0), so their incident clears."""
    found = []
    for source, last in sorted(last_event_at.items()):
        quiet = last is None or now - last >= quiet_after
        since = "never received an event" if last is None else f"last event at {last.isoformat(timespec='minutes')}"
        found.append(Observation(SOURCE_QUIET, source, int(quiet), since if quiet else ""))
    return found


def _line(text: object) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_LINE else flat[: MAX_LINE - 1] + "…"


@dataclass(frozen=True)
class Message:
    subject: str
    text: str

    def html(self) -> str:
        """The body as the mail's HTML part: every line escaped (vendor reasons are hostile text)."""
        return "<pre>" + escape(self.text) + "</pre>"


def compose(tenant: str, tenant_name: str, event: str, kind: str, subject: str, *, count: int = 0,
            summary: str = "", samples: Iterable[str] = (), console_path: str = "/puente/ops") -> Message:
    """The one message of an incident's opening or clearing: tenant, kind, subject, how many, a few
    examples with the vendor's reason, and where in the console to act. Never a secret: the caller
    passes only what state and reports hold (reasons, ids), and each line is flattened and capped."""
    title = TITLES.get(kind, kind)
    if event == "opened":
        head = f"[Puente] {tenant_name}: {title} ({count}) - {subject}"
        lines = [f"Tenant: {tenant_name} ({tenant})", f"Incident: {title}, {subject}", f"Count: {count}"]
        if summary:
            lines.append(_line(summary))
        shown = [_line(sample) for sample in list(samples)[:MAX_SAMPLES]]
        if shown:
            lines += ["", "For example:", *(f"- {sample}" for sample in shown)]
            if count > len(shown):
                lines.append(f"- ... and {count - len(shown)} more")
        lines += ["", f"Console: {console_path}",
                  "You will get one more message when this clears, none in between."]
    elif event == "cleared":
        head = f"[Puente] {tenant_name}: cleared: {title} - {subject}"
        lines = [f"Tenant: {tenant_name} ({tenant})", f"Incident cleared: {title}, {subject}",
                 "Nothing of this kind needs a person any more.", "", f"Console: {console_path}"]
    else:
        raise ValueError(f"unknown event {event!r}")
    return Message(_line(head), "\n".join(lines))
