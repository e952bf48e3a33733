"""In-memory Escala account: users, pipelines, products, contacts, deals, and their rules.

Routes stay thin; the rules a hook can trip over live here and in :mod:`.deals` and
:mod:`.rules`: typed custom fields, unique email/phone/ID-field per contact, known owners,
stages that belong to their pipeline, products that exist, and ``products.updateValue``
(which, when on, replaces a deal's ``value`` with the sum of its products).

Ids are UUIDs drawn from a seeded generator, so a replayed request sequence gets the same ids.
Not thread-safe: the app's event loop is its only user.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.escala import rules
from puente_sandbox.escala.models import (
    CustomField,
    EscalaContact,
    EscalaDeal,
    EscalaPipeline,
    EscalaProduct,
    EscalaUser,
    contact_json,
    deal_json,
)
from puente_sandbox.escala.seed import EscalaSeed, generate_seed, iso, new_uuid
from puente_sandbox.escala.vendor import field_error, not_found, validation_error

Now = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Scroll:
    """A scroll is a snapshot of matching ids taken at its first call (like Elasticsearch's)."""

    kind: str
    ids: list[str]
    position: int


class EscalaStore:
    """One Escala account, seeded from an :class:`EscalaSeed`."""

    def __init__(self, seed: EscalaSeed, *, now: Now = utc_now) -> None:
        self.now = now
        self.custom_fields: dict[str, CustomField] = {f.key: f for f in seed.custom_fields}
        self.cedula_field = seed.cedula_field
        self.invoice_field = seed.invoice_field
        self.users: dict[str, EscalaUser] = {u.id: u for u in seed.users}
        self.pipelines: dict[str, EscalaPipeline] = {p.id: p for p in seed.pipelines}
        self.products: dict[str, EscalaProduct] = {p.id: p for p in seed.products}
        self.contacts: dict[str, EscalaContact] = {c.id: c for c in seed.contacts}
        self.deals: dict[str, EscalaDeal] = {d.id: d for d in seed.deals}
        self._rng = random.Random(seed.seed * 7919 + 1)  # new ids: seeded, never colliding with the seed's
        self._scrolls: dict[str, Scroll] = {}
        self._next_deal_seq = max((d.seq for d in seed.deals), default=0) + 1

    @classmethod
    def generate(cls, seed: int = 7, *, now: Now = utc_now, **sizes: int) -> EscalaStore:
        """A store from :func:`generate_seed` (``n_users``, ``n_products``, ``n_contacts``, ``n_deals``)."""
        return cls(generate_seed(seed, **sizes), now=now)

    # ---------------------------------------------------------------------------- helpers
    def new_id(self) -> str:
        return new_uuid(self._rng)

    def timestamp(self) -> str:
        return iso(self.now())

    def default_pipeline(self) -> EscalaPipeline:
        return next((p for p in self.pipelines.values() if p.default), next(iter(self.pipelines.values())))

    def user_by_email(self, email: str) -> EscalaUser | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def contact_or_404(self, contact_id: str) -> EscalaContact:
        contact = self.contacts.get(contact_id)
        if contact is None:
            raise not_found()
        return contact

    def deal_or_404(self, deal_id: str) -> EscalaDeal:
        deal = self.deals.get(deal_id)
        if deal is None:
            raise not_found()
        return deal

    def deal_view(self, deal: EscalaDeal) -> dict[str, Any]:
        contact = self.contacts.get(deal.contact_id) if deal.contact_id else None
        return deal_json(deal, self.pipelines[deal.pipeline_id], contact, self.products)

    # --------------------------------------------------------------------------- lookups
    def products_by_codes(self, codes: Iterable[str] | None) -> list[EscalaProduct]:
        """Every product (``codes`` None) or those whose ``code`` is listed, in catalog order."""
        if codes is None:
            return list(self.products.values())
        wanted = {c.strip() for c in codes if c.strip()}
        return [p for p in self.products.values() if p.code in wanted]

    def find_contacts(
        self, *, email: str | None = None, phone: str | None = None, custom: Mapping[str, str] | None = None
    ) -> list[EscalaContact]:
        """Contacts matching *every* given filter (email case-insensitive, phone by its last 10 digits)."""
        problems: rules.Problems = []
        for key in custom or {}:
            definition = self.custom_fields.get(key)
            if definition is None or definition.entity != "contact":
                rules.problem(problems, key, "unknown custom field")
        if problems:
            raise validation_error(problems)
        email_key, phone_key = rules.email_key(email), rules.phone_key(phone)
        found = []
        for contact in self.contacts.values():
            if email_key and rules.email_key(contact.personal.get("email")) != email_key:
                continue
            if phone_key and rules.phone_key(contact.personal.get("phoneNumber")) != phone_key:
                continue
            if custom and not all(
                rules.custom_matches(contact.custom.get(k), v, self.custom_fields.get(k)) for k, v in custom.items()
            ):
                continue
            found.append(contact)
        return found

    def find_deals(self, filters: Mapping[str, str]) -> list[EscalaDeal]:
        """``contactId``, ``pipelineId``, ``stageId``, ``assignedTo`` and deal ``cf_*`` filters (inferred)."""
        custom = {k: v for k, v in filters.items() if k.startswith("cf_")}
        problems: rules.Problems = []
        for key in custom:
            definition = self.custom_fields.get(key)
            if definition is None or definition.entity != "deal":
                rules.problem(problems, key, "unknown custom field")
        if problems:
            raise validation_error(problems)
        plain = {
            "contactId": lambda d: d.contact_id,
            "pipelineId": lambda d: d.pipeline_id,
            "stageId": lambda d: d.stage_id,
            "assignedTo": lambda d: d.assigned_to,
        }
        wanted = {name: filters[name] for name in plain if filters.get(name)}
        return [
            d
            for d in self.deals.values()
            if all(plain[name](d) == value for name, value in wanted.items())
            and all(rules.custom_matches(d.custom.get(k), v, self.custom_fields.get(k)) for k, v in custom.items())
        ]

    # --------------------------------------------------------------------------- contacts
    def _check_unique(
        self, contact_id: str | None, personal: Mapping[str, Any], custom: Mapping[str, Any]
    ) -> rules.Problems:
        """Emails, phones and "ID"-type custom fields identify a contact: no second one may share them."""
        problems: rules.Problems = []
        email, phone = rules.email_key(personal.get("email")), rules.phone_key(personal.get("phoneNumber"))
        identifiers = {k: v for k, v in custom.items() if v is not None and self.custom_fields[k].identifier}
        for other in self.contacts.values():
            if other.id == contact_id:
                continue
            if email and rules.email_key(other.personal.get("email")) == email:
                rules.problem(problems, "personal.email", "a contact with this email already exists")
                email = None
            if phone and rules.phone_key(other.personal.get("phoneNumber")) == phone:
                rules.problem(problems, "personal.phoneNumber", "a contact with this phone already exists")
                phone = None
            for key, value in list(identifiers.items()):
                if other.custom.get(key) is not None and str(other.custom[key]).strip() == str(value).strip():
                    rules.problem(problems, f"custom.{key}", "a contact with this value already exists")
                    del identifiers[key]
        return problems

    def create_contact(self, body: Mapping[str, Any]) -> EscalaContact:
        problems: rules.Problems = []
        personal = rules.check_personal(body.get("personal"), problems, creating=True)
        custom = rules.check_custom(body.get("custom"), "contact", self.custom_fields, problems)
        owner = rules.check_owner(body.get("assignedTo"), self.users, problems)
        priority = rules.check_priority(body.get("priority"), problems)
        status = rules.check_text(body, "status", problems)
        notes = rules.check_text(body, "notes", problems)
        contacted = rules.check_bool(body, "contacted", problems)
        marketable = rules.check_bool(body, "marketable", problems)
        if not problems:
            problems = self._check_unique(None, personal, custom)
        if problems:
            raise validation_error(problems)
        moment = self.timestamp()
        contact = EscalaContact(
            id=self.new_id(),
            personal={name: personal.get(name) for name in rules.PERSONAL_FIELDS},
            custom={k: v for k, v in custom.items() if v is not None},
            assigned_to=owner or rules.UNASSIGNED,
            status=status or "lead",
            priority=priority or 3,
            contacted=bool(contacted),
            marketable=True if marketable is None else marketable,
            notes=notes or "",
            created=moment,
            modified=moment,
        )
        self.contacts[contact.id] = contact
        return contact

    def update_contact(self, contact_id: str, body: Mapping[str, Any]) -> EscalaContact:
        """``PUT /crm/contacts/{id}`` (inferred): a partial update; ``personal``/``custom`` merge key by key."""
        contact = self.contact_or_404(contact_id)
        problems: rules.Problems = []
        personal = rules.check_personal(body.get("personal"), problems, creating=False)
        custom = rules.check_custom(body.get("custom"), "contact", self.custom_fields, problems)
        owner = rules.check_owner(body.get("assignedTo"), self.users, problems)
        priority = rules.check_priority(body.get("priority"), problems)
        status = rules.check_text(body, "status", problems)
        notes = rules.check_text(body, "notes", problems)
        if "firstName" in personal and not personal["firstName"]:
            rules.problem(problems, "personal.firstName", "is required")
        merged_personal = {**contact.personal, **personal}
        merged_custom = {k: v for k, v in {**contact.custom, **custom}.items() if v is not None}
        if not problems:
            problems = self._check_unique(contact.id, merged_personal, merged_custom)
        if problems:
            raise validation_error(problems)
        contact.personal = merged_personal
        contact.custom = merged_custom
        contact.assigned_to = owner or contact.assigned_to
        contact.priority = priority or contact.priority
        contact.status = status or contact.status
        contact.notes = notes if notes is not None else contact.notes
        contact.modified = self.timestamp()
        return contact

    # ----------------------------------------------------------------------------- scroll
    def scroll(
        self, kind: str, *, since: str | None, size: int, scroll_id: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One scroll page of ``contacts`` or ``deals`` and the id of the next (None when done).

        The first call (no ``scrollId``) snapshots the ids modified at or after ``since``, oldest
        first. A full page comes with a scroll id even when nothing is left, so the next call
        returns an empty page (inferred; clients stop on a missing id *or* a short page).
        """
        if scroll_id:
            state = self._scrolls.pop(scroll_id, None)
            if state is None or state.kind != kind:
                raise validation_error([field_error("scrollId", "unknown or expired scrollId")])
        else:
            problems: rules.Problems = []
            moment = rules.parse_since(since, problems)
            if problems:
                raise validation_error(problems)
            records: Sequence[EscalaContact | EscalaDeal] = list(
                (self.contacts if kind == "contacts" else self.deals).values()
            )
            matching = [r for r in records if moment is None or _parse(r.modified) >= moment]
            matching.sort(key=lambda r: _parse(r.modified))  # stable: ties keep creation order
            state = Scroll(kind, [r.id for r in matching], 0)
        chunk = state.ids[state.position : state.position + size]
        state.position += len(chunk)
        items = [self._scroll_item(kind, record_id) for record_id in chunk]
        if len(chunk) < size:
            return items, None
        next_id = self.new_id()
        self._scrolls[next_id] = state
        return items, next_id

    def _scroll_item(self, kind: str, record_id: str) -> dict[str, Any]:
        if kind == "contacts":
            return contact_json(self.contacts[record_id])
        return self.deal_view(self.deals[record_id])


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
