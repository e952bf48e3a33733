"""In-memory Jumpseller store: products with their variants, orders, order documents, store info.

Stock of a product with variants lives on each variant (the product's ``stock`` is their sum and
a product-level ``stock`` write is ignored), which is the trap a naive hook falls into.

Orders come from an :class:`OrderScenario` (or ``POST /_sandbox/orders``) and are read-only on the
vendor side; orders added or changed through the inspection routes hold stock as Jumpseller's do
(:mod:`order_stock`), scenario orders are taken as already reflected in the seeded stock; the
scenario's order objects are shared, never mutated (a replacement swaps the record in this store
only). Order documents (``POST /v1/orders/{id}/documents.json``) are kept in
creation order. ``now`` is the sandbox clock that ``dateFilter=today|yesterday|last…days`` is
relative to; it defaults to the scenario's clock, or ``CLOCK_START`` without orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from puente_sandbox.catalog_models import JumpsellerCatalog, JumpsellerProduct, JumpsellerVariant
from puente_sandbox.credentials import DEFAULT_HOOKS_TOKEN, DEFAULT_LOGIN
from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.jumpseller.hooks import StoreHooks
from puente_sandbox.jumpseller.order_stock import OrderStock
from puente_sandbox.jumpseller.product_create import build_product
from puente_sandbox.jumpseller.serializers import product_json
from puente_sandbox.jumpseller_seed import iso_timestamp, slugify
from puente_sandbox.order_models import STORE_TZ, JumpsellerOrder
from puente_sandbox.orders_datagen import OrderScenario

# Writes get ``updated_at`` from a logical clock (one second per write) so runs are repeatable.
CLOCK_START = datetime(2024, 6, 1, 16, 0, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Listing:
    """One sellable SKU: a simple product (``variant`` None) or one variant of a product."""

    product: JumpsellerProduct
    variant: JumpsellerVariant | None

    @property
    def sku(self) -> str:
        return self.variant.sku if self.variant is not None else self.product.sku

    def as_dict(self) -> dict[str, Any]:
        item = self.variant if self.variant is not None else self.product
        return {
            "sku": item.sku,
            "product_id": self.product.id,
            "variant_id": self.variant.id if self.variant is not None else None,
            "stock": item.stock,
            "stock_unlimited": item.stock_unlimited,
            "price": item.price,
        }


def store_info(login: str) -> dict[str, Any]:
    return {
        "name": "Puente Demo Store",
        "code": login,
        "currency": "CLP",
        "country": "CL",
        "timezone": "America/Santiago",
        "email": f"admin@{login}.example",
        "hooks_token": DEFAULT_HOOKS_TOKEN,
        "url": f"https://{login}.jumpseller.com",
        "logo": "",
        "weight_unit": "kg",
        "subscription_status": "active",
        "subscription_plan": "pro",
        "fb_pixel_id": "",
        "address": {
            "address": "Av. Providencia 1234",
            "city": "Santiago",
            "postal": "7500000",
            "region": "Región Metropolitana",
            "country": "CL",  # the spec: ISO 3166-1 alpha-2
            "region_code": "RM",
            "country_code": "CL",
        },
        "whatsapp_phone": "",
    }


class JumpsellerStore:
    """One Jumpseller store. Not thread-safe: the app's event loop is its only user."""

    def __init__(
        self,
        catalog: JumpsellerCatalog,
        *,
        login: str = DEFAULT_LOGIN,
        orders: Iterable[JumpsellerOrder] = (),
        now: datetime | None = None,
    ) -> None:
        self.products: dict[int, JumpsellerProduct] = {p.id: p for p in catalog.products}
        self.info = store_info(login)
        self.orders: dict[int, JumpsellerOrder] = {o.id: o for o in orders}
        self.documents: list[dict[str, Any]] = []  # every order document, in creation order
        self.now: datetime = now or CLOCK_START
        self.created: list[int] = []  # ids of products created through POST /v1/products.json, in order
        # ids are never reused, also after a product is deleted (as a database sequence behaves)
        self._last_product_id = max(self.products, default=10000)
        self._last_variant_id = max((v.id for p in self.products.values() for v in p.variants), default=50000)
        self._writes = 0
        self.order_stock = OrderStock(self)  # units held by orders the sandbox saw arrive (order_stock)
        self.hooks = StoreHooks(self.info)  # registered webhooks and their signed deliveries (hooks)

    @classmethod
    def from_scenario(
        cls, scenario: CatalogScenario | OrderScenario, *, login: str = DEFAULT_LOGIN
    ) -> JumpsellerStore:
        """A private copy: writes to this store never leak into the scenario or other apps.

        An :class:`OrderScenario` brings its catalog, its orders and its clock.
        """
        if isinstance(scenario, OrderScenario):
            return cls(
                scenario.catalog.jumpseller.clone(), login=login, orders=scenario.orders, now=scenario.now
            )
        return cls(scenario.jumpseller.clone(), login=login)

    # orders --------------------------------------------------------------------------------
    def today(self) -> date:
        """The sandbox clock's calendar day in the store timezone (America/Santiago)."""
        return self.now.astimezone(STORE_TZ).date()

    def orders_newest_first(self) -> list[JumpsellerOrder]:
        return [self.orders[i] for i in sorted(self.orders, reverse=True)]

    def documents_of(self, order_id: int) -> list[dict[str, Any]]:
        return [d for d in self.documents if d["order_id"] == order_id]

    def add_document(self, order_id: int, document: dict[str, Any]) -> dict[str, Any]:
        stored = {**document, "order_id": order_id}
        self.documents.append(stored)
        return stored

    def variant(self, product: JumpsellerProduct, variant_id: int) -> JumpsellerVariant | None:
        for variant in product.variants:
            if variant.id == variant_id:
                return variant
        return None

    def listings(self) -> Iterator[Listing]:
        for product in self.products.values():
            if product.variants:
                for variant in product.variants:
                    yield Listing(product, variant)
            else:
                yield Listing(product, None)

    def listings_by_sku(self, sku: str) -> list[Listing]:
        return [listing for listing in self.listings() if listing.sku == sku]

    def touch(self, product: JumpsellerProduct) -> None:
        self._writes += 1
        product.updated_at = iso_timestamp(CLOCK_START + timedelta(seconds=self._writes))

    def apply_product_changes(self, product: JumpsellerProduct, changes: dict[str, Any], *,
                              stock_changed: bool = False) -> None:
        """Write the changes and tell the hooks (``product_updated``, ``product_stock_updated`` when a
        stock moved here or, ``stock_changed``, on a variant of the same request)."""
        if product.variants:
            changes = {k: v for k, v in changes.items() if k != "stock"}  # stock lives on variants
        stock_changed = stock_changed or _moves_stock(product, changes)
        for name, value in changes.items():
            setattr(product, name, value)
        self.touch(product)
        if self.hooks.hooks:  # serialise only when someone listens (a 20k-SKU sync writes a lot)
            self.hooks.product_changed(product_json(product), stock_changed)

    def add_product(self, fields: dict[str, Any], variants: list[dict[str, Any]]) -> JumpsellerProduct:
        """Store a validated ``POST /v1/products.json``: fresh ids, a unique permalink, the write clock."""
        product_id = self._last_product_id = self._last_product_id + 1
        first_variant_id = self._last_variant_id + 1
        self._last_variant_id += len(variants)
        taken = {p.permalink for p in self.products.values()}
        permalink = base = slugify(fields["name"]) or f"product-{product_id}"
        suffix = 1
        while permalink in taken:
            suffix += 1
            permalink = f"{base}-{suffix}"
        self._writes += 1
        product = build_product(
            fields, variants, product_id=product_id, first_variant_id=first_variant_id,
            permalink=permalink, timestamp=iso_timestamp(CLOCK_START + timedelta(seconds=self._writes)),
        )
        self.products[product_id] = product
        self.created.append(product_id)
        return product

    def remove_products(self, skus: Iterable[str]) -> list[int]:
        """Delete every product that carries one of ``skus`` (itself or a variant): the merchant's admin panel."""
        wanted = set(skus)
        gone = [p.id for p in self.products.values() if p.sku in wanted or any(v.sku in wanted for v in p.variants)]
        for product_id in gone:
            del self.products[product_id]
        return gone

    def stock_moved_by_order(self, product: JumpsellerProduct) -> None:
        """An order took or gave back units: ``product_stock_updated`` ("whenever a product stock update
        is detected", https://jumpseller.com/support/webhooks/; that a sale counts is inferred)."""
        if self.hooks.hooks:
            self.hooks.emit("product_stock_updated", product_json(product))

    def apply_variant_changes(
        self, product: JumpsellerProduct, variant: JumpsellerVariant, changes: dict[str, Any], *, notify: bool = True
    ) -> bool:
        """Write a variant's changes; True when its stock moved. ``notify=False``: the caller tells the
        hooks once for the whole product (a product PUT with ``variants[]``)."""
        moved = _moves_stock(variant, changes)
        for name, value in changes.items():
            setattr(variant, name, value)
        self.touch(product)
        if notify and self.hooks.hooks:
            self.hooks.product_changed(product_json(product), moved)
        return moved


def _moves_stock(item: Any, changes: dict[str, Any]) -> bool:
    return any(name in changes and changes[name] != getattr(item, name) for name in ("stock", "stock_unlimited"))
