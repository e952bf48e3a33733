"""Deterministic Jumpseller orders built on a :class:`CatalogScenario` (SKUs line up with Bsale).

``OrderScenario.generate(catalog, n_orders=200, seed=7, start=date(2024, 5, 2), days=30)``
spreads orders uniformly over ``days`` store days (America/Santiago) from ``start``; ids start at
1001 and grow with ``created_at``. The default sandbox clock (``now``) is 10:00 store time on the
day after the window, so ``dateFilter=yesterday`` is the window's last day.

Categories (lists of order ids, ascending) are what invoicing tests assert on:

* ``paid`` / ``pending_payment`` / ``canceled`` / ``abandoned``: by ``status_enum``.
* ``plain``: paid orders with no edge case; Bsale accepts them with ``dispatch: 1`` at the sync
  office, because their summed demand per SKU never exceeds the office's available stock (or the
  SKU has unlimited stock / allows negative stock). ``factura`` is a subset of ``plain`` (billing
  ``taxid`` RUT with a valid check digit, typed dotted or not, + ``company_name`` and
  ``business_activity``); ``boleta`` is every other paid order (no tax id).
* ``zero_value``: every line priced 0 (no document: Bsale refuses a zero net value).
* ``partial_zero``: some lines priced 0 (drop them; the rest is invoiceable).
* ``unlinked_sku``: a line whose SKU exists only in Jumpseller (Bsale: ``invalid variant``).
* ``serial``: a line with a serial-numbered Bsale variant (Bsale wants the serial in ``comment``).
* ``no_stock``: a line asking more than the office has, on a variant without negative or unlimited
  stock (Bsale: ``There is no stock for this products: <code>`` when it has none, else
  ``There is a problem with the available quantity for your products``).
* ``with_shipping`` (plain orders with a shipping cost), ``fulfilled``; ``invoiceable`` =
  ``plain`` + ``partial_zero``.

``bsale_errors`` maps each failing paid order to the exact error Bsale returns when its lines are
sent as they are (by ``code``, ``dispatch: 1``, sync office). Demand of every line of every order
(pending/canceled too, in case a test pays them later) is charged against the stock budget,
zero-priced lines included (in case a hook sends them with ``discount: 100``), except the
unlinked, serial and no-stock lines themselves; ``demand()`` counts priced lines only.

Money: Chilean store prices are gross (IVA 19 % included). ``subtotal`` = sum(price * qty),
``total`` = subtotal + shipping - discount (discount is always 0 here), and ``tax`` /
``shipping_tax`` are the IVA *contained* in subtotal / shipping, rounded to the peso; they are
informational and are not added to the total. Every line carries one ``IVA`` tax with
``tax_on_product_price: true``. 5,000 orders generate in well under a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from puente_sandbox.bsale.store import NO_AVAILABLE_QUANTITY
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.order_models import STORE_TIMEZONE, STORE_TZ, JumpsellerOrder
from puente_sandbox.orders_fields import Line, OrderDraft, build_fields
from puente_sandbox.orders_people import People
from puente_sandbox.rand import pick, randint

DEFAULT_START = date(2024, 5, 2)
DEFAULT_DAYS = 30
FIRST_ORDER_ID = 1001
MIN_ORDERS = 20
CLOCK_HOUR = 10
SERIAL_ERROR = "Use 'comment' to especify the serie of detailid to dispatch."
INVALID_VARIANT = "invalid variant"
EDGE_KINDS = ("zero_value", "partial_zero", "unlinked_sku", "serial", "no_stock")


@dataclass
class OrderScenario:
    """Orders for the Jumpseller sandbox plus the category id lists tests assert on."""

    catalog: CatalogScenario
    seed: int
    start: date
    days: int
    orders: list[JumpsellerOrder]
    now: datetime
    office_id: int
    timezone: str = STORE_TIMEZONE
    paid: list[int] = field(default_factory=list)
    pending_payment: list[int] = field(default_factory=list)
    canceled: list[int] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)
    plain: list[int] = field(default_factory=list)
    invoiceable: list[int] = field(default_factory=list)
    boleta: list[int] = field(default_factory=list)
    factura: list[int] = field(default_factory=list)
    zero_value: list[int] = field(default_factory=list)
    partial_zero: list[int] = field(default_factory=list)
    unlinked_sku: list[int] = field(default_factory=list)
    serial: list[int] = field(default_factory=list)
    no_stock: list[int] = field(default_factory=list)
    with_shipping: list[int] = field(default_factory=list)
    fulfilled: list[int] = field(default_factory=list)
    bsale_errors: dict[int, str] = field(default_factory=dict)

    @classmethod
    def generate(
        cls,
        catalog: CatalogScenario,
        n_orders: int = 200,
        seed: int = 7,
        *,
        start: date = DEFAULT_START,
        days: int = DEFAULT_DAYS,
    ) -> OrderScenario:
        if n_orders < MIN_ORDERS:
            raise ValueError(f"n_orders must be >= {MIN_ORDERS} so every category is present")
        if days < 1:
            raise ValueError("days must be >= 1")
        return _Generator(catalog, random.Random(seed), n_orders, start, days).build(seed)

    @property
    def order_ids(self) -> list[int]:
        return [o.id for o in self.orders]

    def order(self, order_id: int) -> dict[str, Any]:
        """The ``order`` object of one order (what ``GET /v1/orders/{id}.json`` wraps)."""
        for order in self.orders:
            if order.id == order_id:
                return order.fields
        raise KeyError(order_id)

    def demand(self, order_ids: list[int] | None = None) -> dict[str, int]:
        """Units per SKU over non-zero lines of ``order_ids`` (default: ``invoiceable``)."""
        wanted = set(self.invoiceable if order_ids is None else order_ids)
        totals: dict[str, int] = {}
        for order in self.orders:
            if order.id in wanted:
                for line in order.fields["products"]:
                    if line["price"] > 0:
                        totals[line["sku"]] = totals.get(line["sku"], 0) + line["qty"]
        return totals


@dataclass(frozen=True, slots=True)
class _Listing:
    sku: str
    product_id: int
    variant_id: int | None
    name: str
    price: float


class _Generator:
    def __init__(self, catalog: CatalogScenario, rng: random.Random, n: int, start: date, days: int) -> None:
        self.catalog, self.rng, self.n, self.start, self.days = catalog, rng, n, start, days
        self.office_id = catalog.sync_office_id
        self.listings = _listings(catalog)
        variants = {v.code: v for v in catalog.bsale.variants}
        products = {p.id: p for p in catalog.bsale.products}
        stock = {s.variant_id: s.quantity_available for s in catalog.bsale.stocks if s.office_id == self.office_id}
        self.available = {code: stock.get(v.id, 0.0) for code, v in variants.items()}

        def usable(sku: str) -> bool:
            v = variants[sku]
            return sku in self.listings and v.state == 0 and products[v.product_id].classification != 3

        sellable = [s for s in catalog.shared_skus if usable(s) and not variants[s].serial_number]
        if not sellable:
            raise ValueError("the catalog has no sellable shared SKU")
        self.sellable = sellable
        self.stock_free = [s for s in sellable if variants[s].unlimited_stock or variants[s].allow_negative_stock]
        free = set(self.stock_free)
        self.limited = [s for s in sellable if s not in free]
        self.budget = _Budget({s: int(self.available[s]) for s in self.limited if self.available[s] >= 1})
        self.serial_pool = [s for s in catalog.serial_skus if usable(s)]
        self.unlinked_pool = [s for s in catalog.jumpseller_only_skus if s in self.listings]
        self.people = People(rng, max(8, n // 3))
        self.errors: dict[int, str] = {}

    # plan ----------------------------------------------------------------------------------
    def _labels(self) -> list[str]:
        n, k = self.n, max(1, round(self.n * 0.03))
        pools = {"unlinked_sku": self.unlinked_pool, "serial": self.serial_pool, "no_stock": self.limited}
        labels: list[str] = []
        for kind in EDGE_KINDS:
            if pools.get(kind, [True]):
                labels += [kind] * k
        for kind, rate in (("pending_payment", 0.04), ("canceled", 0.03), ("abandoned", 0.02)):
            labels += [kind] * max(1, round(n * rate))
        labels += ["plain"] * (n - len(labels))
        self.rng.shuffle(labels)
        return labels

    def _no_stock_skus(self, count: int) -> list[str]:
        """Alternate SKUs with nothing available and SKUs with some; none feed other orders."""
        empty = [s for s in self.limited if self.available[s] <= 0]
        some = [s for s in self.limited if self.available[s] > 0]
        chosen: list[str] = []
        for index in range(count):
            pool = empty if (index % 2 == 0 and empty) or not some else some
            sku = pick(self.rng, pool)
            if len(pool) > 1:
                pool.remove(sku)  # distinct while the pool lasts
            chosen.append(sku)
        for sku in chosen:
            self.budget.remove(sku)
        return chosen

    def _instants(self) -> list[datetime]:
        begin = datetime.combine(self.start, time(0), STORE_TZ).astimezone(UTC)
        end = datetime.combine(self.start + timedelta(days=self.days), time(0), STORE_TZ).astimezone(UTC)
        span = int((end - begin).total_seconds())
        offsets = sorted(int(self.rng.random() * span) for _ in range(self.n))
        return [begin + timedelta(seconds=s) for s in offsets]

    # lines ---------------------------------------------------------------------------------
    def _line(self, sku: str, qty: int, price: float | None = None) -> Line:
        listing = self.listings[sku]
        unit = listing.price if price is None else price
        return Line(listing.product_id, listing.variant_id, sku, listing.name, qty, unit)

    def _take(self, taken: set[str]) -> Line | None:
        """One stock-safe line (charged to the budget), or None if every try was a duplicate."""
        rng = self.rng
        roll = rng.random()
        wanted = 1 if roll < 0.75 else 2 if roll < 0.95 else 3
        if not (self.budget or self.stock_free):
            return None
        for _ in range(4):
            from_budget = bool(self.budget) and (rng.random() >= 0.1 or not self.stock_free)
            sku = self.budget.pick(rng) if from_budget else pick(rng, self.stock_free)
            if sku in taken:
                continue
            qty = self.budget.charge(sku, wanted) if from_budget else wanted
            taken.add(sku)
            return self._line(sku, qty)
        return None

    def _normal_lines(self, count: int, taken: set[str]) -> list[Line]:
        lines = [line for _ in range(count) if (line := self._take(taken)) is not None]
        if not lines and self.stock_free:
            sku = pick(self.rng, [s for s in self.stock_free if s not in taken] or self.stock_free)
            taken.add(sku)
            lines.append(self._line(sku, 1))
        if not lines:
            raise ValueError(
                f"the catalog's sync office has too little stock for {self.n} invoiceable orders; "
                "use a bigger catalog or fewer orders"
            )
        return lines

    def _zero_line(self, taken: set[str]) -> Line:
        """A line priced 0. Its units are still charged to the stock budget, so a hook that sends
        it as ``discount: 100`` (Bsale's FAQ advice) instead of dropping it cannot run short."""
        line = self._take(taken)
        if line is None:
            free = [s for s in self.sellable if s not in taken] or self.sellable
            line = self._line(pick(self.rng, free), 1)
        line.price = 0.0
        return line

    def _lines(self, kind: str, order_id: int, no_stock: list[str]) -> list[Line]:
        rng = self.rng
        taken: set[str] = set()
        n_lines = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.7 else 3
        if kind == "zero_value":
            return [self._zero_line(taken) for _ in range(randint(rng, 1, 2))]
        if kind == "partial_zero":
            return [*self._normal_lines(max(1, n_lines - 1), taken), self._zero_line(taken)]
        extra = self._normal_lines(1, taken) if rng.random() < 0.5 else []
        if kind == "unlinked_sku":
            self.errors[order_id] = INVALID_VARIANT
            return [self._line(pick(rng, self.unlinked_pool), 1), *extra]
        if kind == "serial":
            self.errors[order_id] = SERIAL_ERROR
            return [*extra, self._line(pick(rng, self.serial_pool), 1)]
        if kind == "no_stock":
            sku = no_stock.pop()
            have = int(self.available[sku])
            qty = randint(rng, 1, 3) if have <= 0 else have + randint(rng, 1, 5)
            self.errors[order_id] = (
                f"There is no stock for this products: {sku}" if have <= 0 else NO_AVAILABLE_QUANTITY
            )
            return [*extra, self._line(sku, qty)]
        return self._normal_lines(n_lines, taken)

    # assemble ------------------------------------------------------------------------------
    def build(self, seed: int) -> OrderScenario:
        rng = self.rng
        labels = self._labels()
        no_stock = self._no_stock_skus(labels.count("no_stock"))
        plain = [i for i, kind in enumerate(labels) if kind == "plain"]
        # at least one factura and one shipped order, however small the scenario
        flags = [set(rng.sample(plain, max(1, round(len(plain) * rate)))) for rate in (0.25, 0.45)]
        flags.append(set(rng.sample(plain, round(len(plain) * 0.2))))
        orders: list[JumpsellerOrder] = []
        groups: dict[str, list[int]] = {}
        for index, (kind, created) in enumerate(zip(labels, self._instants(), strict=True)):
            order_id = FIRST_ORDER_ID + index
            draft = OrderDraft(order_id=order_id, created=created, kind=kind)
            draft.status = kind if kind in ("pending_payment", "canceled", "abandoned") else "paid"
            draft.lines = self._lines(kind, order_id, no_stock)
            draft.customer = self.people.pick_customer()
            draft.factura, draft.shipping, draft.fulfilled = (index in f for f in flags)
            fields = build_fields(draft, self.people, rng)
            orders.append(JumpsellerOrder.from_fields(fields, created))
            for group in draft.groups():
                groups.setdefault(group, []).append(order_id)
        now = datetime.combine(self.start + timedelta(days=self.days), time(CLOCK_HOUR), STORE_TZ)
        return OrderScenario(
            catalog=self.catalog,
            seed=seed,
            start=self.start,
            days=self.days,
            orders=orders,
            now=now.astimezone(UTC),
            office_id=self.office_id,
            bsale_errors=dict(sorted(self.errors.items())),
            **{name: groups.get(name, []) for name in _GROUP_NAMES},
        )


_GROUP_NAMES = (
    "paid", "pending_payment", "canceled", "abandoned", "plain", "invoiceable", "boleta", "factura",
    "zero_value", "partial_zero", "unlinked_sku", "serial", "no_stock", "with_shipping", "fulfilled",
)  # fmt: skip


class _Budget:
    """Units each SKU can still sell at the sync office; O(1) random pick, charge and removal."""

    def __init__(self, remaining: dict[str, int]) -> None:
        self.remaining = remaining
        self.keys = list(remaining)
        self.position = {sku: index for index, sku in enumerate(self.keys)}

    def __bool__(self) -> bool:
        return bool(self.keys)

    def pick(self, rng: random.Random) -> str:
        return self.keys[int(rng.random() * len(self.keys))]

    def charge(self, sku: str, wanted: int) -> int:
        qty = min(wanted, self.remaining[sku])
        self.remaining[sku] -= qty
        if self.remaining[sku] <= 0:
            self.remove(sku)
        return qty

    def remove(self, sku: str) -> None:
        index = self.position.pop(sku, None)
        if index is None:
            return
        last = self.keys.pop()
        if last != sku:
            self.keys[index] = last
            self.position[last] = index


def _listings(catalog: CatalogScenario) -> dict[str, _Listing]:
    """Every sellable Jumpseller SKU: a simple product or one variant of a product."""
    found: dict[str, _Listing] = {}
    for product in catalog.jumpseller.products:
        if product.variants:
            for variant in product.variants:
                listing = _Listing(variant.sku, product.id, variant.id, product.name, variant.price)
                found.setdefault(variant.sku, listing)
        elif product.sku:
            found.setdefault(product.sku, _Listing(product.sku, product.id, None, product.name, product.price))
    return found
