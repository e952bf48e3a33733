"""Deterministic catalog scenario shared by the Bsale and Jumpseller sandboxes.

One seeded generator produces both sides so their SKUs line up the way a real merchant's do:
most Bsale SKUs are listed in Jumpseller (simple products or variants), a few are missing there,
a few Jumpseller listings have no Bsale counterpart, and many listings start with stock or price
that differ from Bsale's so a first sync has work to do. Edge cases the seed article names
(packs, serialised variants, "venta sin stock", unlimited stock, reserved stock, inactive
variants) are present in every scenario and exposed as SKU lists so tests can assert on them.

Everything derives from ``random.Random(seed)`` and fixed dates: the same arguments always give
the same data. 20k SKUs generate in a fraction of a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from puente_sandbox.catalog_models import (
    BsaleCatalog,
    BsaleOffice,
    BsalePriceDetail,
    BsalePriceList,
    BsaleProduct,
    BsaleStock,
    BsaleVariant,
    JumpsellerCatalog,
    net_from_gross,
)
from puente_sandbox.jumpseller_seed import build_jumpseller_catalog
from puente_sandbox.rand import pick, randint

NOUNS = (
    "Polera", "Jeans", "Zapatilla", "Chaqueta", "Gorro", "Mochila", "Taza", "Lámpara", "Cojín",
    "Bufanda", "Calcetín", "Botella", "Cuaderno", "Parka", "Vestido", "Camisa", "Cinturón", "Bolso",
    "Termo", "Manta",
)  # fmt: skip
ADJECTIVES = (
    "Clásica", "Urbana", "Andina", "Austral", "Costera", "Premium", "Básica", "Deportiva", "Eco",
    "Vintage", "Patagonia", "Nortina",
)  # fmt: skip
OPTION_SETS = (
    ("Talla", ("S", "M", "L")),
    ("Color", ("Negro", "Blanco", "Azul")),
    ("Formato", ("250 ML", "500 ML", "1 L")),
)
OFFICES = (
    BsaleOffice(1, "Casa Matriz", "Av. Providencia 1234", "Santiago", "Providencia", 0, 0, 1),
    BsaleOffice(2, "Tienda Online", "", "Santiago", "Santiago", 1, 0, 1),
    BsaleOffice(3, "Bodega Quilicura", "Av. Lo Echevers 550", "Santiago", "Quilicura", 0, 0, 1),
)
PRICE_LISTS = (
    BsalePriceList(1, "Lista Base", "", 1, 0),
    BsalePriceList(2, "Lista Mayorista", "Precios por mayor", 1, 0),
)
FIRST_PRODUCT_ID, FIRST_VARIANT_ID, FIRST_STOCK_ID, FIRST_DETAIL_ID = 101, 1001, 5001, 20001


@dataclass
class CatalogScenario:
    """Both vendors' starting data plus the SKU lists tests assert on (all in Bsale id order)."""

    seed: int
    n_products: int
    bsale: BsaleCatalog
    jumpseller: JumpsellerCatalog
    sync_office_id: int = 1
    sync_price_list_id: int = 1
    bsale_skus: list[str] = field(default_factory=list)
    jumpseller_skus: list[str] = field(default_factory=list)
    shared_skus: list[str] = field(default_factory=list)
    bsale_only_skus: list[str] = field(default_factory=list)
    jumpseller_only_skus: list[str] = field(default_factory=list)
    pack_skus: list[str] = field(default_factory=list)
    serial_skus: list[str] = field(default_factory=list)
    inactive_skus: list[str] = field(default_factory=list)
    unlimited_skus: list[str] = field(default_factory=list)
    negative_allowed_skus: list[str] = field(default_factory=list)
    negative_stock_skus: list[str] = field(default_factory=list)
    zero_stock_skus: list[str] = field(default_factory=list)
    reserved_skus: list[str] = field(default_factory=list)
    multi_variant_skus: list[str] = field(default_factory=list)
    drift_skus: list[str] = field(default_factory=list)
    in_sync_skus: list[str] = field(default_factory=list)

    @classmethod
    def generate(
        cls, n_products: int = 40, seed: int = 7, *, n_skus: int | None = None, n_offices: int = 3
    ) -> CatalogScenario:
        """Build a scenario of ``n_products`` Bsale products (1-3 variants each).

        With ``n_skus`` the product count is ignored and products are added until exactly that
        many Bsale SKUs exist (benchmarks use ``n_skus=20_000``).
        """
        if n_products < 1 and not n_skus:
            raise ValueError("n_products must be >= 1")
        if not 1 <= n_offices <= len(OFFICES):
            raise ValueError(f"n_offices must be between 1 and {len(OFFICES)}")
        return _Generator(random.Random(seed), n_products, n_skus, n_offices).build(seed)

    def bsale_available(self, sku: str, office_id: int | None = None) -> float:
        """Starting ``quantityAvailable`` of ``sku`` in an office (0 when there is no stock row)."""
        office_id = office_id or self.sync_office_id
        variant = self._variant(sku)
        for stock in self.bsale.stocks:
            if stock.variant_id == variant.id and stock.office_id == office_id:
                return stock.quantity_available
        return 0.0

    def bsale_gross_price(self, sku: str, price_list_id: int | None = None) -> int:
        """Starting ``variantValueWithTaxes`` of ``sku`` in a price list."""
        price_list_id = price_list_id or self.sync_price_list_id
        variant = self._variant(sku)
        for detail in self.bsale.price_details:
            if detail.variant_id == variant.id and detail.price_list_id == price_list_id:
                return detail.variant_value_with_taxes
        raise KeyError(sku)

    def _variant(self, sku: str) -> BsaleVariant:
        for variant in self.bsale.variants:
            if variant.code == sku:
                return variant
        raise KeyError(sku)


def _share(n: int, rate: float, minimum: int) -> int:
    return max(minimum, round(n * rate))


class _Generator:
    def __init__(self, rng: random.Random, n_products: int, n_skus: int | None, n_offices: int) -> None:
        self.rng = rng
        self.n_products = n_products
        self.n_skus = n_skus
        self.offices = [BsaleOffice(*(getattr(o, f) for f in o.__slots__)) for o in OFFICES[:n_offices]]
        self.products: list[BsaleProduct] = []
        self.variants: list[BsaleVariant] = []
        self.variants_by_product: dict[int, list[BsaleVariant]] = {}
        self.option_names: dict[int, str] = {}

    def build(self, seed: int) -> CatalogScenario:
        self._products_and_variants()
        groups = self._categories()
        stocks = self._stocks(groups)
        details = self._price_details()
        bsale = BsaleCatalog(
            offices=self.offices,
            price_lists=[BsalePriceList(*(getattr(p, f) for f in p.__slots__)) for p in PRICE_LISTS],
            products=self.products,
            variants=self.variants,
            stocks=stocks,
            price_details=details,
        )
        seeded = build_jumpseller_catalog(
            self.rng,
            bsale,
            self.variants_by_product,
            self.option_names,
            groups["bsale_only"],
            sync_office_id=1,
            sync_price_list_id=1,
        )
        codes = {v.id: v.code for v in self.variants}

        def skus(ids: set[int]) -> list[str]:
            return [codes[i] for i in sorted(ids)]

        bsale_only = set(groups["bsale_only"])
        return CatalogScenario(
            seed=seed,
            n_products=len(self.products),
            bsale=bsale,
            jumpseller=seeded.catalog,
            bsale_skus=[v.code for v in self.variants],
            jumpseller_skus=seeded.listing_skus,
            shared_skus=[v.code for v in self.variants if v.id not in bsale_only],
            bsale_only_skus=skus(bsale_only),
            jumpseller_only_skus=seeded.jumpseller_only_skus,
            pack_skus=skus(groups["pack"]),
            serial_skus=skus(groups["serial"]),
            inactive_skus=skus(groups["inactive"]),
            unlimited_skus=skus(groups["unlimited"]),
            negative_allowed_skus=skus(groups["negative_allowed"]),
            negative_stock_skus=skus(groups["negative_stock"]),
            zero_stock_skus=skus(groups["zero"]),
            reserved_skus=skus(groups["reserved"]),
            multi_variant_skus=[
                v.code for v in self.variants if len(self.variants_by_product[v.product_id]) > 1
            ],
            drift_skus=seeded.drift_skus,
            in_sync_skus=seeded.in_sync_skus,
        )

    def _products_and_variants(self) -> None:
        rng = self.rng
        product_id, variant_id = FIRST_PRODUCT_ID, FIRST_VARIANT_ID
        while True:
            if self.n_skus is not None:
                remaining = self.n_skus - len(self.variants)
                if remaining <= 0:
                    break
            elif len(self.products) >= self.n_products:
                break
            else:
                remaining = 3
            roll = rng.random()
            n_variants = min(remaining, 1 if roll < 0.55 else 2 if roll < 0.75 else 3)
            name = f"{pick(rng, NOUNS)} {pick(rng, ADJECTIVES)} {product_id}"
            self.products.append(BsaleProduct(product_id, name, 0, 1, 0, 0, 1))
            option_name, values = pick(rng, OPTION_SETS)
            self.option_names[product_id] = option_name
            own: list[BsaleVariant] = []
            for index in range(n_variants):
                description = values[index] if n_variants > 1 else "Única"
                code = f"SKU-{variant_id}"
                own.append(
                    BsaleVariant(
                        variant_id, product_id, description, code, f"780{variant_id:010d}", 0, 0, 0, 0
                    )
                )
                variant_id += 1
            self.variants.extend(own)
            self.variants_by_product[product_id] = own
            product_id += 1

    def _categories(self) -> dict[str, set[int]]:
        """Pick disjoint edge-case groups so each SKU tests one thing at a time."""
        rng = self.rng
        singles = [p for p in self.products if len(self.variants_by_product[p.id]) == 1]
        n_packs = min(len(singles) // 4, _share(len(self.products), 0.05, 2))
        packs = rng.sample(singles, n_packs)
        for product in packs:
            product.classification, product.stock_control = 3, 0
        pack_ids = {self.variants_by_product[p.id][0].id for p in packs}
        pool = [v.id for v in self.variants if v.id not in pack_ids]
        n = len(self.variants)
        wanted = {
            "serial": _share(n, 0.05, 2),
            "unlimited": _share(n, 0.03, 1),
            "negative_allowed": _share(n, 0.04, 2),
            "inactive": _share(n, 0.04, 2),
            "bsale_only": _share(n, 0.06, 3),
            "zero": _share(n, 0.08, 2),
        }
        budget = max(0, len(pool) - max(1, len(pool) // 2))  # keep at least half the SKUs plain
        while sum(wanted.values()) > budget and any(wanted.values()):
            largest = max(wanted, key=lambda k: wanted[k])
            wanted[largest] -= 1
        chosen = rng.sample(pool, sum(wanted.values()))
        groups: dict[str, set[int]] = {"pack": pack_ids}
        start = 0
        for name, count in wanted.items():
            groups[name] = set(chosen[start : start + count])
            start += count
        taken = set(chosen)
        plain = [i for i in pool if i not in taken]
        groups["reserved"] = set(rng.sample(plain, min(len(plain), _share(n, 0.2, 1))))
        groups["negative_stock"] = set(sorted(groups["negative_allowed"])[:1])
        by_id = {v.id: v for v in self.variants}
        for vid in groups["serial"]:
            by_id[vid].serial_number = 1
        for vid in groups["unlimited"]:
            by_id[vid].unlimited_stock = 1
        for vid in groups["negative_allowed"]:
            by_id[vid].allow_negative_stock = 1
        for vid in groups["inactive"]:
            by_id[vid].state = 1
        return groups

    def _stocks(self, groups: dict[str, set[int]]) -> list[BsaleStock]:
        """Office 1 (the sync office) has the curated edge cases; other offices are noise."""
        rng = self.rng
        zero, reserved, unlimited = groups["zero"], groups["reserved"], groups["unlimited"]
        negative = groups["negative_stock"]
        zero_without_row = set(sorted(zero)[::2])  # never received stock: no row at all
        stocks: list[BsaleStock] = []
        stock_id = FIRST_STOCK_ID
        for variant in self.variants:
            vid = variant.id
            for office in self.offices:
                if office.id == 1:
                    if vid in zero_without_row:
                        continue
                    if vid in zero or vid in unlimited:
                        quantity, held = 0.0, 0.0
                    elif vid in negative:
                        quantity, held = -2.0, 0.0
                    else:
                        big = rng.random() >= 0.95
                        quantity = float(randint(rng, 500, 2000) if big else randint(rng, 1, 120))
                        held = float(randint(rng, 1, min(5, int(quantity)))) if vid in reserved else 0.0
                elif rng.random() < 0.7:
                    quantity, held = float(randint(rng, 0, 80)), 0.0
                else:
                    continue
                stocks.append(BsaleStock(stock_id, vid, office.id, quantity, held))
                stock_id += 1
        return stocks

    def _price_details(self) -> list[BsalePriceDetail]:
        """Every variant is priced in every list (Bsale lists span the whole catalog)."""
        rng = self.rng
        base: list[tuple[int, int]] = []
        for variant in self.variants:
            gross = randint(rng, 5, 600) * 100 - 10  # CLP price points like 4.990 or 29.990
            base.append((variant.id, gross))
        details: list[BsalePriceDetail] = []
        detail_id = FIRST_DETAIL_ID
        for price_list in PRICE_LISTS:
            factor = 1.0 if price_list.id == 1 else 0.85
            for vid, gross in base:
                list_gross = gross if factor == 1.0 else max(10, round(gross * factor / 10) * 10)
                net = net_from_gross(list_gross)
                details.append(BsalePriceDetail(detail_id, price_list.id, vid, net))
                detail_id += 1
        return details
