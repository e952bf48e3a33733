"""Orders hold stock in the sandbox the way they do in a Jumpseller store.

Jumpseller's help center ("Gestión de inventario", https://es.jumpseller.com/support/inventory-management
and https://jumpseller.co/support/inventory-management) gives the order-status transitions that move
stock:

* New -> Pending (``pending_payment``): the stock is reduced;
* Pending -> Paid: nothing changes;
* Pending -> Abandoned: the stock comes back;
* Pending or Paid -> Canceled: the stock comes back.

Abandonment is the system's doing, after the store's "pending order expiration time" (Settings >
Checkout, https://jumpseller.com/support/abandoned-orders/ and /support/checkout/); Jumpseller does
not abandon orders of manual payment methods (bank transfer), so those hold stock until the
merchant cancels them. Inferred (not written anywhere public): an order created directly as Paid
(a manual order "pago ya procesado", ``POST /v1/orders.json``) takes the stock like a pending one,
and an order that leaves Abandoned/Canceled for a holding status takes it again.

What the sandbox does: an order the sandbox *sees arrive or change* (``POST /_sandbox/orders``,
``PUT /_sandbox/orders/{id}``) in a holding status takes its lines' units (variant stock when the
line names a variant, else the simple product's); leaving for canceled/abandoned gives back
exactly what it took. Scenario orders are considered already reflected in the seeded stock: they
took nothing here, so cancelling one gives nothing back (otherwise pre-generated orders would move
the catalog stock that existing tests assert). A line of an unknown product takes nothing
(``allow_missing_products``); a line wanting more than a limited listing has is refused, as a
checkout would be, and nothing of that order moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from puente_sandbox.catalog_models import JumpsellerProduct, JumpsellerVariant

HOLDING_STATUSES = frozenset({"pending_payment", "paid"})


class NotEnoughStock(ValueError):
    """A holding order wants more units than a limited listing has."""


@dataclass(frozen=True, slots=True)
class Taken:
    product: JumpsellerProduct
    variant: JumpsellerVariant | None
    units: int

    @property
    def item(self) -> JumpsellerProduct | JumpsellerVariant:
        return self.variant if self.variant is not None else self.product


def _line_item(store: Any, line: dict[str, Any]) -> tuple[JumpsellerProduct, JumpsellerVariant | None] | None:
    """The listing an order line sold: by product id and variant id, else by SKU."""
    try:
        product = store.products.get(int(line.get("id")))
    except (TypeError, ValueError):
        product = None
    if product is not None:
        variant_id = line.get("variant_id")
        if variant_id is not None:
            variant = store.variant(product, int(variant_id))
            if variant is not None:
                return product, variant
        elif not product.variants:
            return product, None
    sku = str(line.get("sku") or "").strip()
    matched = store.listings_by_sku(sku) if sku else []
    return (matched[0].product, matched[0].variant) if matched else None


def units_to_take(store: Any, fields: dict[str, Any]) -> list[Taken]:
    """What an order in a holding status takes; raises :class:`NotEnoughStock` before moving anything."""
    wanted: dict[tuple[int, int | None], Taken] = {}
    for line in fields.get("products") or []:
        found = _line_item(store, line) if isinstance(line, dict) else None
        try:
            units = int(line.get("qty") or 0)
        except (TypeError, ValueError):
            units = 0
        if found is None or units <= 0:
            continue
        product, variant = found
        key = (product.id, variant.id if variant is not None else None)
        before = wanted.get(key)
        wanted[key] = Taken(product, variant, units + (before.units if before else 0))
    for taken in wanted.values():
        if not taken.item.stock_unlimited and taken.item.stock < taken.units:
            raise NotEnoughStock(
                f"not enough stock of {taken.item.sku!r}: {taken.item.stock} left, the order wants {taken.units}"
            )
    return list(wanted.values())


class OrderStock:
    """Which orders hold which units; the store's stock moves only through here."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.held: dict[int, list[Taken]] = {}

    def plan(self, order_id: int, status: str, fields: dict[str, Any]) -> list[Taken] | None:
        """Validate a status change without moving stock: the units it would take, or None."""
        if status in HOLDING_STATUSES and order_id not in self.held and self._is_new_or_returning(order_id):
            return units_to_take(self.store, fields)
        return None

    def _is_new_or_returning(self, order_id: int) -> bool:
        existing = self.store.orders.get(order_id)
        return existing is None or existing.status_enum not in HOLDING_STATUSES

    def apply(self, order_id: int, status: str, planned: list[Taken] | None) -> None:
        """Take the planned units, or give back what the order held when it leaves a holding status."""
        if planned is not None:
            for taken in planned:
                self._move(taken, -taken.units)
            self.held[order_id] = planned
        elif status not in HOLDING_STATUSES:
            for taken in self.held.pop(order_id, []):
                self._move(taken, taken.units)

    def _move(self, taken: Taken, delta: int) -> None:
        item = taken.item
        if item.stock_unlimited:
            return
        item.stock = int(item.stock) + delta
        self.store.touch(taken.product)
        self.store.stock_moved_by_order(taken.product)
