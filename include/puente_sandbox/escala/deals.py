"""Deal (opportunity) writes: ``POST /crm/deals`` and ``PUT /crm/deals/{id}``.

The create body follows the public client code in the notes::

    {"name", "description", "value", "priority", "assignedTo", "contactId", "pipelineId", "stageId",
     "products": {"items": [{"productId", "quantity"}], "updateValue": false}, "custom", "triggerWorkflow"}

``products.updateValue`` (the UI's "Actualizar el valor de la oportunidad con el precio y cantidad
de los productos asociados"): when on, the deal's ``value`` becomes the sum of price x quantity of
its products. The help center tells Siigo merchants to switch it *off* so the value stays the
invoice total, so it is on unless sent ``false`` (inferred default), and it stays in force for
later updates of that deal (inferred). Required fields (``name``, ``pipelineId``, ``stageId``) and
the unknown-id refusals are inferred from the notes' "likely validations". ``PUT`` is inferred.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from puente_sandbox.escala import rules
from puente_sandbox.escala.models import DealProduct, EscalaDeal, EscalaPipeline
from puente_sandbox.escala.vendor import validation_error

if TYPE_CHECKING:
    from puente_sandbox.escala.store import EscalaStore


def _check_products(store: EscalaStore, raw: Any, problems: rules.Problems) -> tuple[list[DealProduct], bool] | None:
    """``{"items": [{"productId", "quantity", "price"?}], "updateValue"}`` -> lines and the flag."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        rules.problem(problems, "products", "must be an object with items")
        return None
    items = raw.get("items") or []
    update_value = raw.get("updateValue", True)
    if not isinstance(update_value, bool):
        rules.problem(problems, "products.updateValue", "must be a boolean")
    if not isinstance(items, list):
        rules.problem(problems, "products.items", "must be a list")
        return None
    lines: list[DealProduct] = []
    for index, item in enumerate(items):
        where = f"products.items[{index}]"
        if not isinstance(item, Mapping):
            rules.problem(problems, where, "must be an object")
            continue
        product = store.products.get(str(item.get("productId")))
        quantity = item.get("quantity", 1)
        price = item.get("price")
        if product is None:
            rules.problem(problems, f"{where}.productId", "unknown product")
        if not rules.is_number(quantity) or quantity <= 0:
            rules.problem(problems, f"{where}.quantity", "must be a number > 0")
        if price is not None and (not rules.is_number(price) or price < 0):
            rules.problem(problems, f"{where}.price", "must be a number >= 0")
        if product is not None and rules.is_number(quantity) and quantity > 0:
            lines.append(DealProduct(product.id, float(quantity), float(price if price is not None else product.price)))
    return lines, update_value is not False


def _check_stage(
    store: EscalaStore, pipeline_id: Any, stage_id: Any, problems: rules.Problems
) -> EscalaPipeline | None:
    pipeline = store.pipelines.get(pipeline_id) if isinstance(pipeline_id, str) else None
    if pipeline is None:
        rules.problem(problems, "pipelineId", "unknown pipeline")
        return None
    if stage_id is not None and (not isinstance(stage_id, str) or pipeline.stage(stage_id) is None):
        rules.problem(problems, "stageId", "unknown stage for this pipeline")
    return pipeline


def _check_contact(store: EscalaStore, contact_id: Any, problems: rules.Problems) -> str | None:
    if contact_id is None:
        return None
    if not isinstance(contact_id, str) or contact_id not in store.contacts:
        rules.problem(problems, "contactId", "unknown contact")
        return None
    return contact_id


def products_total(lines: list[DealProduct]) -> float:
    return round(sum(line.price * line.quantity for line in lines), 2)


def create_deal(store: EscalaStore, body: Mapping[str, Any]) -> EscalaDeal:
    problems: rules.Problems = []
    name = rules.check_text(body, "name", problems, required=True)
    description = rules.check_text(body, "description", problems)
    value = rules.check_value(body.get("value"), problems)
    priority = rules.check_priority(body.get("priority"), problems)
    owner = rules.check_owner(body.get("assignedTo"), store.users, problems)
    contact_id = _check_contact(store, body.get("contactId"), problems)
    for required in ("pipelineId", "stageId"):
        if body.get(required) is None:
            rules.problem(problems, required, "is required")
    pipeline = None
    if body.get("pipelineId") is not None:
        pipeline = _check_stage(store, body.get("pipelineId"), body.get("stageId"), problems)
    products = _check_products(store, body.get("products"), problems)
    custom = rules.check_custom(body.get("custom"), "deal", store.custom_fields, problems)
    if problems or pipeline is None:
        raise validation_error(problems)
    lines, update_value = products if products is not None else ([], True)
    moment = store.timestamp()
    deal = EscalaDeal(
        id=store.new_id(),
        name=name or "",
        description=description or "",
        value=value or 0.0,
        priority=priority or 3,
        assigned_to=owner or rules.UNASSIGNED,
        contact_id=contact_id,
        pipeline_id=pipeline.id,
        stage_id=str(body["stageId"]),
        products=lines,
        update_value=update_value,
        custom={k: v for k, v in custom.items() if v is not None},
        created=moment,
        modified=moment,
        seq=store._next_deal_seq,
    )
    store._next_deal_seq += 1
    if deal.update_value and deal.products:
        deal.value = products_total(deal.products)
    store.deals[deal.id] = deal
    return deal


def update_deal(store: EscalaStore, deal_id: str, body: Mapping[str, Any]) -> EscalaDeal:
    """A partial update: only the fields sent change (``value`` alone is the usual case)."""
    deal = store.deal_or_404(deal_id)
    problems: rules.Problems = []
    name = rules.check_text(body, "name", problems, required="name" in body)
    description = rules.check_text(body, "description", problems)
    value = rules.check_value(body.get("value"), problems)
    priority = rules.check_priority(body.get("priority"), problems)
    owner = rules.check_owner(body.get("assignedTo"), store.users, problems)
    contact_id = _check_contact(store, body.get("contactId"), problems)
    pipeline = store.pipelines[deal.pipeline_id]
    if "pipelineId" in body or "stageId" in body:
        checked = _check_stage(
            store, body.get("pipelineId", deal.pipeline_id), body.get("stageId", deal.stage_id), problems
        )
        pipeline = checked or pipeline
    products = _check_products(store, body.get("products"), problems)
    custom = rules.check_custom(body.get("custom"), "deal", store.custom_fields, problems)
    if problems:
        raise validation_error(problems)
    deal.name = name if name is not None else deal.name
    deal.description = description if description is not None else deal.description
    deal.value = value if value is not None else deal.value
    deal.priority = priority or deal.priority
    deal.assigned_to = owner or deal.assigned_to
    deal.contact_id = contact_id or deal.contact_id
    deal.pipeline_id = pipeline.id
    deal.stage_id = str(body.get("stageId", deal.stage_id))
    if products is not None:
        deal.products, deal.update_value = products
    deal.custom = {k: v for k, v in {**deal.custom, **custom}.items() if v is not None}
    if deal.update_value and deal.products:
        deal.value = products_total(deal.products)
    deal.modified = store.timestamp()
    return deal
