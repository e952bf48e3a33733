"""Derive a merchant's Jumpseller store from their Bsale catalog (part of the scenario generator).

The merchant created Jumpseller listings "with the same SKU as Bsale" (seed article): a Bsale
product with one variant becomes a simple product, one with several becomes a product with
variants. Some listings were edited by hand since, so their stock or price drifted from Bsale.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from puente_sandbox.catalog_models import (
    BsaleCatalog,
    BsaleVariant,
    JumpsellerCatalog,
    JumpsellerProduct,
    JumpsellerVariant,
)
from puente_sandbox.rand import pick, randint

FIRST_JS_PRODUCT_ID, FIRST_JS_VARIANT_ID = 10001, 50001
CREATED_BASE = datetime(2024, 3, 1, 15, 0, 0, tzinfo=UTC)  # fixed: no wall clock in seed data
BRANDS = ("Puente", "Andes", "Pacífico", "Austral")
DRIFT_RATE = 0.6


@dataclass
class SeededJumpseller:
    catalog: JumpsellerCatalog
    listing_skus: list[str]
    jumpseller_only_skus: list[str]
    drift_skus: list[str]
    in_sync_skus: list[str]


def iso_timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _day_prefix(day: int) -> str:
    return (CREATED_BASE + timedelta(days=day)).strftime("%Y-%m-%dT")


def seed_timestamp(minutes: int) -> str:
    """``CREATED_BASE`` plus whole minutes, formatted without a strftime per product."""
    total = CREATED_BASE.hour * 60 + CREATED_BASE.minute + minutes
    day, minute_of_day = divmod(total, 1440)
    return f"{_day_prefix(day)}{minute_of_day // 60:02d}:{minute_of_day % 60:02d}:00Z"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@cache
def _ascii_word(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def slugify(text: str) -> str:
    """Jumpseller-style permalink: ``"Lámpara Eco 7"`` -> ``"lampara-eco-7"``."""
    ascii_text = " ".join(_ascii_word(word) for word in text.split())
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


@dataclass
class _Listing:
    """Stock/price a listing starts with, and whether that differs from what Bsale says."""

    stock: int
    price: float
    unlimited: bool
    drift: bool


class _Builder:
    def __init__(
        self, rng: random.Random, bsale: BsaleCatalog, sync_office_id: int, sync_price_list_id: int
    ) -> None:
        self.rng = rng
        self.available = {
            s.variant_id: s.quantity_available for s in bsale.stocks if s.office_id == sync_office_id
        }
        self.gross = {
            d.variant_id: d.variant_value_with_taxes
            for d in bsale.price_details
            if d.price_list_id == sync_price_list_id
        }
        self.drift_ids: set[int] = set()
        self.next_variant_id = FIRST_JS_VARIANT_ID

    def listing_for(self, variant: BsaleVariant) -> _Listing:
        rng = self.rng
        synced_stock = max(0, int(self.available.get(variant.id, 0.0)))
        synced_price = float(self.gross[variant.id])
        unlimited = bool(variant.unlimited_stock)
        if rng.random() >= DRIFT_RATE:
            return _Listing(0 if unlimited else synced_stock, synced_price, unlimited, drift=False)
        roll = rng.random()
        kind = "stock" if roll < 0.4 else "price" if roll < 0.7 else "both"
        stock, price = (0 if unlimited else synced_stock), synced_price
        if kind in ("stock", "both"):
            if unlimited:
                unlimited, stock = False, randint(rng, 0, 30)
            else:
                step = randint(rng, 1, 15)
                stock = max(0, synced_stock + (step if rng.random() < 0.5 else -step))
                if stock == synced_stock:
                    stock += randint(rng, 1, 5)
        if kind in ("price", "both"):
            price = float(max(10, round(synced_price * rng.uniform(0.8, 1.2) / 10) * 10))
            if price == synced_price:
                price += 1000.0
        self.drift_ids.add(variant.id)
        return _Listing(stock, price, unlimited, drift=True)

    def variant(
        self, sku: str, barcode: str, listing: _Listing, option: str, value: str
    ) -> JumpsellerVariant:
        variant = JumpsellerVariant(
            id=self.next_variant_id,
            sku=sku,
            barcode=barcode,
            price=listing.price,
            stock=listing.stock,
            stock_unlimited=listing.unlimited,
            options=[{"name": option, "option_type": "option", "value": value}],
            cost_per_item=float(round(listing.price * 0.55)),
        )
        self.next_variant_id += 1
        return variant


def build_jumpseller_catalog(
    rng: random.Random,
    bsale: BsaleCatalog,
    variants_by_product: dict[int, list[BsaleVariant]],
    option_names: dict[int, str],
    bsale_only: set[int],
    *,
    sync_office_id: int,
    sync_price_list_id: int,
) -> SeededJumpseller:
    builder = _Builder(rng, bsale, sync_office_id, sync_price_list_id)
    drafts: list[JumpsellerProduct] = []
    js_only: list[str] = []
    js_counter = 1
    extra_variant_added = False
    for product in bsale.products:
        own = variants_by_product[product.id]
        shared = [v for v in own if v.id not in bsale_only]
        if not shared:
            continue
        brand = pick(rng, BRANDS)
        if len(own) == 1:
            variant = shared[0]
            listing = builder.listing_for(variant)
            drafts.append(_product(product.name, brand, variant.code, variant.bar_code, listing, []))
            continue
        option = option_names[product.id]
        variants = [
            builder.variant(v.code, v.bar_code, builder.listing_for(v), option, v.description) for v in shared
        ]
        if not extra_variant_added:  # one listing-only variant inside a linked product
            sku = f"JS-{js_counter:05d}"
            js_counter += 1
            js_only.append(sku)
            listing = _Listing(randint(rng, 0, 20), variants[0].price, False, drift=False)
            variants.append(builder.variant(sku, "", listing, option, "Edición especial"))
            extra_variant_added = True
        base = _Listing(0, variants[0].price, False, drift=False)
        drafts.append(_product(product.name, brand, "", "", base, variants))

    n_only = max(3, round(0.04 * len(bsale.variants))) - len(js_only)
    for _ in range(max(0, n_only)):
        sku = f"JS-{js_counter:05d}"
        js_counter += 1
        js_only.append(sku)
        price = float(randint(rng, 5, 300) * 100 - 10)
        listing = _Listing(randint(rng, 0, 50), price, False, drift=False)
        name = f"Producto exclusivo web {js_counter - 1}"
        drafts.insert(randint(rng, 0, len(drafts)), _product(name, pick(rng, BRANDS), sku, "", listing, []))

    listing_skus: list[str] = []
    for index, draft in enumerate(drafts):
        draft.id = FIRST_JS_PRODUCT_ID + index
        draft.created_at = draft.updated_at = seed_timestamp(index)
        draft.permalink = f"{slugify(draft.name)}"
        listing_skus.extend([v.sku for v in draft.variants] if draft.variants else [draft.sku])

    codes = {v.id: v.code for v in bsale.variants}
    shared_ids = [v.id for v in bsale.variants if v.id not in bsale_only]
    return SeededJumpseller(
        catalog=JumpsellerCatalog(products=drafts),
        listing_skus=listing_skus,
        jumpseller_only_skus=js_only,
        drift_skus=[codes[i] for i in shared_ids if i in builder.drift_ids],
        in_sync_skus=[codes[i] for i in shared_ids if i not in builder.drift_ids],
    )


def _product(
    name: str, brand: str, sku: str, barcode: str, listing: _Listing, variants: list[JumpsellerVariant]
) -> JumpsellerProduct:
    return JumpsellerProduct(
        id=0,
        name=name,
        sku=sku,
        barcode=barcode,
        price=listing.price,
        stock=listing.stock,
        stock_unlimited=listing.unlimited,
        status="available",
        brand=brand,
        permalink="",
        cost_per_item=float(round(listing.price * 0.55)),
        created_at="",
        updated_at="",
        variants=variants,
    )
