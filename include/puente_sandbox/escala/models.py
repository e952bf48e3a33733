"""Escala records as the sandbox keeps them, and their JSON as the API returns it.

Shapes follow the notes: a contact is ``{"id", "personal": {...}, "custom": {...}, "created", ...}``;
a deal as returned is ``{"id", "name", "assignedTo", "value", "created", "modified",
"contact": {"id", "firstName", "lastName", "email", "phone"}, "pipeline": {"id", "name",
"stageId", "stageType"}}``; pipelines nest their stages. Inferred (no source showed them):
``description``, ``priority``, ``products`` and ``custom`` echoed on a deal; a product's ``code``
and ``price``; the user shape ``{"id", "email", "firstName", "lastName", "role"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CustomFieldType = Literal["text", "number", "dropdown"]
Entity = Literal["contact", "deal", "product"]


@dataclass(frozen=True, slots=True)
class CustomField:
    """One custom field definition; ``key`` is the generated slug ``cf_<entity>_<name>_<4 chars>_<type>``.

    ``identifier`` marks an "ID"-type field (help center: an admin may make e.g. a national id
    the contact identifier); the sandbox rejects a second contact with the same value (inferred).
    """

    key: str
    entity: Entity
    label: str
    type: CustomFieldType
    options: tuple[str, ...] = ()
    identifier: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "entity": self.entity,
            "label": self.label,
            "type": self.type,
            "options": list(self.options),
            "identifier": self.identifier,
        }


@dataclass(slots=True)
class EscalaUser:
    id: str
    email: str
    first_name: str
    last_name: str
    role: str


@dataclass(slots=True)
class EscalaStage:
    id: str
    name: str
    type: Literal["open", "won", "lost"]
    color: str


@dataclass(slots=True)
class EscalaPipeline:
    id: str
    name: str
    default: bool
    stages: list[EscalaStage]
    created: str
    modified: str

    def stage(self, stage_id: str) -> EscalaStage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(slots=True)
class EscalaProduct:
    id: str
    code: str
    name: str
    price: float
    custom: dict[str, Any]
    created: str
    modified: str


@dataclass(slots=True)
class EscalaContact:
    id: str
    personal: dict[str, Any]
    custom: dict[str, Any]
    assigned_to: str
    status: str
    priority: int
    contacted: bool
    marketable: bool
    notes: str
    created: str
    modified: str


@dataclass(slots=True)
class DealProduct:
    product_id: str
    quantity: float
    price: float


@dataclass(slots=True)
class EscalaDeal:
    id: str
    name: str
    description: str
    value: float
    priority: int
    assigned_to: str
    contact_id: str | None
    pipeline_id: str
    stage_id: str
    products: list[DealProduct]
    update_value: bool
    custom: dict[str, Any]
    created: str
    modified: str
    seq: int = field(default=0)  # creation order, the scroll's tie-breaker


def user_json(user: EscalaUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "role": user.role,
    }


def pipeline_json(pipeline: EscalaPipeline) -> dict[str, Any]:
    return {
        "id": pipeline.id,
        "name": pipeline.name,
        "default": pipeline.default,
        "created": pipeline.created,
        "modified": pipeline.modified,
        "stages": [{"id": s.id, "name": s.name, "type": s.type, "color": s.color} for s in pipeline.stages],
    }


def product_json(product: EscalaProduct) -> dict[str, Any]:
    return {
        "id": product.id,
        "code": product.code,
        "name": product.name,
        "price": product.price,
        "custom": dict(product.custom),
        "created": product.created,
        "modified": product.modified,
    }


def contact_json(contact: EscalaContact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "personal": dict(contact.personal),
        "custom": dict(contact.custom),
        "assignedTo": contact.assigned_to,
        "status": contact.status,
        "priority": contact.priority,
        "contacted": contact.contacted,
        "marketable": contact.marketable,
        "notes": contact.notes,
        "created": contact.created,
        "modified": contact.modified,
    }


def deal_contact_json(contact: EscalaContact | None) -> dict[str, Any] | None:
    """The contact summary embedded in a deal (note ``phone``, not ``phoneNumber``)."""
    if contact is None:
        return None
    personal = contact.personal
    return {
        "id": contact.id,
        "firstName": personal.get("firstName"),
        "lastName": personal.get("lastName"),
        "email": personal.get("email"),
        "phone": personal.get("phoneNumber"),
    }


def deal_json(
    deal: EscalaDeal,
    pipeline: EscalaPipeline,
    contact: EscalaContact | None,
    products: dict[str, EscalaProduct],
) -> dict[str, Any]:
    stage = pipeline.stage(deal.stage_id)
    return {
        "id": deal.id,
        "name": deal.name,
        "description": deal.description,
        "value": deal.value,
        "priority": deal.priority,
        "assignedTo": deal.assigned_to,
        "created": deal.created,
        "modified": deal.modified,
        "contact": deal_contact_json(contact),
        "pipeline": {
            "id": pipeline.id,
            "name": pipeline.name,
            "stageId": deal.stage_id,
            "stageType": stage.type if stage else None,
        },
        "products": {
            "items": [
                {
                    "productId": line.product_id,
                    "code": products[line.product_id].code if line.product_id in products else None,
                    "name": products[line.product_id].name if line.product_id in products else None,
                    "quantity": line.quantity,
                    "price": line.price,
                }
                for line in deal.products
            ],
            "updateValue": deal.update_value,
        },
        "custom": dict(deal.custom),
    }
