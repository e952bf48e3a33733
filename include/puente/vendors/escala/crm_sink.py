"""Escala as a ``CrmSink``: contacts found by cédula (then e-mail, then phone) or created, deals created
with the invoice total (``updateValue`` false), deal values updated after an invoice is edited.

Account lookups (users, pipelines, products) are read once per connector, i.e. once per task:
they resolve the tenant's settings (owners and stages may be given by e-mail or name) and tell
which invoice lines name a product Escala knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from puente.models import InvoiceCustomer
from puente.rules import crm as rules
from puente.vendors.escala.settings import EscalaSettings


class EscalaCrmSink:
    """``CrmSink`` for Escala: one per task, so its caches never outlive a run."""

    def __init__(self, settings: EscalaSettings, hook: Any = None) -> None:
        if hook is None:
            from puente.vendors.escala.hook import EscalaHook

            hook = EscalaHook(escala_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook
        self._contacts: dict[str, str] = {}  # identification -> contact id, within this task

    # --- account -----------------------------------------------------------------------------
    def users(self) -> dict[str, str]:
        """Every user id and lower-cased e-mail -> user id (what ``assignedTo`` takes)."""
        found: dict[str, str] = {}
        for user in self.hook.list_users():
            found[str(user["id"])] = str(user["id"])
            if user.get("email"):
                found[str(user["email"]).strip().lower()] = str(user["id"])
        return found

    def resolve_stage(self, pipeline: str | None, stage: str | None) -> tuple[str, str]:
        """``(pipeline id, stage id)`` from ids or names; the default pipeline and its first stage when empty."""
        pipelines = self.hook.list_pipelines()
        if not pipelines:
            raise ValueError("the Escala account has no pipeline to create opportunities in")
        if pipeline:
            chosen = next((p for p in pipelines if pipeline in (p.get("id"), p.get("name"))), None)
            if chosen is None:
                raise ValueError(f"Escala has no pipeline {pipeline!r} (known: {[p.get('name') for p in pipelines]})")
        else:
            chosen = next((p for p in pipelines if p.get("default")), pipelines[0])
        stages = chosen.get("stages") or []
        if not stages:
            raise ValueError(f"Escala pipeline {chosen.get('name')!r} has no stages")
        if not stage:
            return str(chosen["id"]), str(stages[0]["id"])
        found = next((s for s in stages if stage in (s.get("id"), s.get("name"))), None)
        if found is None:
            names = [s.get("name") for s in stages]
            raise ValueError(f"Escala pipeline {chosen.get('name')!r} has no stage {stage!r} (known: {names})")
        return str(chosen["id"]), str(found["id"])

    def products(self, codes: Iterable[str]) -> dict[str, str]:
        """Product code -> Escala product id, for the codes Escala knows."""
        return {code: str(product["id"]) for code, product in self.hook.find_products(codes).items()}

    # --- contacts ----------------------------------------------------------------------------
    def find_or_create_contact(self, customer: InvoiceCustomer, cedula_field: str) -> tuple[str, bool]:
        """``(contact id, created)``. A contact found by e-mail or phone that has no cédula gets it,
        so the next lookup finds it by cédula, as the merchant's ID field intends."""
        cached = self._contacts.get(customer.identification)
        if cached is not None:
            return cached, False
        found = self.hook.find_contact_by_identity(
            cedula_field=cedula_field, cedula=customer.identification, email=customer.email, phone=customer.phone
        )
        if found is not None:
            contact_id, created = str(found["id"]), False
            if not (found.get("custom") or {}).get(cedula_field) and customer.identification:
                self.hook.update_contact(contact_id, {"custom": {cedula_field: customer.identification}})
        else:
            personal, custom = rules.contact_fields(customer, cedula_field)
            contact_id, created = str(self.hook.create_contact(personal, custom=custom)["id"]), True
        self._contacts[customer.identification] = contact_id
        return contact_id, created

    # --- opportunities -----------------------------------------------------------------------
    def create_opportunity(self, decision: rules.CrmDecision, contact_id: str) -> str:
        deal = self.hook.create_deal(
            name=decision.name, value=decision.value, pipeline_id=decision.pipeline_id, stage_id=decision.stage_id,
            assigned_to=decision.owner, contact_id=contact_id, description=decision.description or None,
            products=[{"productId": pid, "quantity": float(qty)} for pid, qty in decision.products],
            update_value=False,
        )
        return str(deal["id"])

    def find_opportunity(self, name: str, contact_id: str) -> Mapping[str, Any] | None:
        """The contact's deal with this name: how a create whose answer was lost is found again."""
        return next((deal for deal in self.hook.iter_deals(contactId=contact_id) if deal.get("name") == name), None)

    def update_value(self, deal_id: str, value: Decimal) -> None:
        self.hook.update_deal_value(deal_id, value)
