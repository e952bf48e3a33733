"""Which Jumpseller hook events a tenant needs, and which run an authentic event asks for (pure rules).

Event names are the official OpenAPI's ``HookEditFields.event`` enum (``POST /hooks.json``;
../shared/vendor-apis/specs/jumpseller-openapi.json). It has no variant events: a variant's change
is a ``product_updated`` ("whenever any product details are changed, including changes to the
product options & variants", https://jumpseller.com/support/webhooks/) or, for its stock, a
``product_stock_updated``. The body of a delivery is the resource as its API returns it
(``{"order": {...}}`` / ``{"product": {...}}``, same page).

- An order event whose order is in one of the statuses the tenant invoices (``flows.invoicing.statuses``)
  asks for that tenant's invoicing run with ``conf={"order_ids": ["<id>"]}``. The status is read from
  the signed body (``status_enum``, else the ``status`` label), never only from the
  ``Jumpseller-Event`` header, which the signature does not cover. Puente's ``created`` status has
  no hook event in the OpenAPI: such orders wait for the scheduled run.
- A product event asks for a catalog sync of the ERP SKUs linked to that product's listings
  (``conf={"skus": [...]}``): a manual edit in the store is pushed back from the ERP within seconds.
  Puente's own push makes Jumpseller send a ``product_updated`` too; that run finds nothing to change.

Run ids are the events' dedupe keys, stable across Jumpseller's re-deliveries (which re-send the
same body; Jumpseller sends no event id that we know of): an order event is keyed by the status
the body gives and the order id (an order is paid once; ``order_paid`` and an ``order_updated`` of
the same paid order are one run), a product event by event, product id and a digest of the body
(each edit of a product is a new body, a re-delivery is the same one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

# The official OpenAPI's enum of hook events, in its order.
HOOK_EVENTS = (
    "order_updated", "order_pending_payment", "order_paid", "order_shipped", "order_canceled",
    "order_abandoned", "product_created", "product_updated", "product_deleted", "product_stock_updated",
    "customer_created", "customer_updated", "customer_deleted",
)
# Puente's invoicing statuses (status_enum) -> the hook event Jumpseller sends when an order enters it.
STATUS_EVENTS = {
    "pending_payment": "order_pending_payment",
    "paid": "order_paid",
    "canceled": "order_canceled",
    "abandoned": "order_abandoned",
}
ORDER_EVENTS = frozenset({*STATUS_EVENTS.values(), "order_updated"})
CATALOG_EVENTS = ("product_updated", "product_stock_updated")
# The order's translated ``status`` label -> ``status_enum`` (jumpseller.md: Orders), for bodies without the enum.
STATUS_LABELS = {"Pending Payment": "pending_payment", "Paid": "paid", "Canceled": "canceled",
                 "Abandoned": "abandoned"}
BODY_DIGEST_CHARS = 16


def needed_events(config: Any) -> list[str]:
    """The hook events the tenant's enabled flows act on, in the OpenAPI's order."""
    wanted: set[str] = set()
    if config.flows.invoicing.enabled:
        wanted.update(STATUS_EVENTS[s] for s in config.flows.invoicing.statuses if s in STATUS_EVENTS)
    if config.flows.catalog_sync.enabled:
        wanted.update(CATALOG_EVENTS)
    return [event for event in HOOK_EVENTS if event in wanted]


def order_status(order: dict[str, Any]) -> str | None:
    """The order's ``status_enum``, or the enum of its ``status`` label; None when the body says neither."""
    status = order.get("status_enum")
    if isinstance(status, str) and status:
        return status
    label = order.get("status")
    return STATUS_LABELS.get(label) if isinstance(label, str) else None


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:BODY_DIGEST_CHARS]


def plan_order_event(
    tenant: str, event: str, order_id: int, status: str | None, invoiced: Sequence[str], invoicing_enabled: bool,
) -> tuple[str, str, dict] | str:
    """(dag_id, run_id, conf) for an order event, or the one-line reason it starts nothing."""
    if not invoicing_enabled:
        return f"event {event}: invoicing is not enabled for tenant {tenant}"
    if status is None:
        status = next((s for s, name in STATUS_EVENTS.items() if name == event), None)
    if status not in invoiced:
        return f"order {order_id} is {status or 'in an unknown status'}; tenant {tenant} invoices {', '.join(invoiced)}"
    run_id = f"webhook__jumpseller__order_{status}__{order_id}"
    return f"{tenant}__invoicing", run_id, {"order_ids": [str(order_id)]}


def plan_product_event(
    tenant: str, event: str, product_id: int, skus: Iterable[str], digest: str, catalog_enabled: bool,
) -> tuple[str, str, dict] | str:
    """(dag_id, run_id, conf) for a product event, or the one-line reason it starts nothing."""
    if not catalog_enabled:
        return f"event {event}: catalog sync is not enabled for tenant {tenant}"
    linked = sorted(set(skus))
    if not linked:
        return (f"product {product_id} has no listing linked to an ERP SKU yet "
                "(the next full catalog sync links or reports it)")
    run_id = f"webhook__jumpseller__{event}__{product_id}__{digest}"
    return f"{tenant}__catalog_sync", run_id, {"skus": linked}
