"""In-memory Bsale account: catalog records, lookup indexes and the stock/price business rules.

Routes stay thin; the rules a hook can trip over live here: consumptions (and documents sent with
``dispatch: 1``) cannot take more than is available (unless the variant allows negative stock or
has unlimited stock), stock lines may reference a variant by ``variantId``, ``code`` or
``barCode``, and a price update recomputes the gross value from the net one. Sales documents live
in ``book`` (see :mod:`puente_sandbox.bsale.document_book`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from puente_sandbox.bsale.document_book import DocumentBook
from puente_sandbox.bsale.document_types import default_document_types
from puente_sandbox.catalog_models import (
    BsaleCatalog,
    BsaleOffice,
    BsalePriceDetail,
    BsalePriceList,
    BsaleProduct,
    BsaleStock,
    BsaleVariant,
)
from puente_sandbox.datagen import CatalogScenario

# Business date for movements: 2024-06-01 00:00 in Chile (UTC-4). Bsale sends dates as unix
# seconds and only the day matters, so a fixed day keeps responses deterministic.
DEFAULT_BUSINESS_DATE = 1717214400

NO_AVAILABLE_QUANTITY = "There is a problem with the available quantity for your products"


class BsaleRuleError(Exception):
    """A business-rule rejection; routes answer 400 ``{"error": message}``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class StockLine:
    variant: BsaleVariant
    quantity: float
    cost: float | None = None
    serial_number: str | None = None


class BsaleStore:
    """One Bsale company (``cpnId``). Not thread-safe: the app's event loop is its only user."""

    def __init__(self, catalog: BsaleCatalog, *, business_date: int = DEFAULT_BUSINESS_DATE) -> None:
        self.business_date = business_date
        self.offices: dict[int, BsaleOffice] = {o.id: o for o in catalog.offices}
        self.price_lists: dict[int, BsalePriceList] = {p.id: p for p in catalog.price_lists}
        self.products: dict[int, BsaleProduct] = {p.id: p for p in catalog.products}
        self.variants: dict[int, BsaleVariant] = {v.id: v for v in catalog.variants}
        self.stocks: dict[int, BsaleStock] = {s.id: s for s in catalog.stocks}
        self.details: dict[int, BsalePriceDetail] = {d.id: d for d in catalog.price_details}
        self.document_types: list[dict[str, Any]] = default_document_types()
        self.receptions: list[dict[str, Any]] = []
        self.consumptions: list[dict[str, Any]] = []
        self.book = DocumentBook()  # sales documents (facturas, boletas, ...) and their clients
        self._by_code: dict[str, BsaleVariant] = {}
        self._by_barcode: dict[str, BsaleVariant] = {}
        self._variants_by_product: dict[int, list[BsaleVariant]] = {}
        for v in catalog.variants:
            self._by_code.setdefault(v.code, v)
            if v.bar_code:
                self._by_barcode.setdefault(v.bar_code, v)
            self._variants_by_product.setdefault(v.product_id, []).append(v)
        self._stock_by_key: dict[tuple[int, int], BsaleStock] = {}
        self._stocks_by_variant: dict[int, list[BsaleStock]] = {}
        self._stocks_by_office: dict[int, list[BsaleStock]] = {}  # id order: new ids only grow
        for s in catalog.stocks:
            self._index_stock(s)
        self._detail_by_key: dict[tuple[int, int], BsalePriceDetail] = {
            (d.price_list_id, d.variant_id): d for d in catalog.price_details
        }
        self._details_by_list: dict[int, list[BsalePriceDetail]] = {}
        for d in catalog.price_details:
            self._details_by_list.setdefault(d.price_list_id, []).append(d)
        self._next_stock_id = max(self.stocks, default=0) + 1
        self._next_movement_id = 1

    @classmethod
    def from_scenario(cls, scenario: CatalogScenario) -> BsaleStore:
        """A private copy: writes to this store never leak into the scenario or other apps."""
        return cls(scenario.bsale.clone())

    # lookups -------------------------------------------------------------------------------
    def variant_by_code(self, code: str) -> BsaleVariant | None:
        return self._by_code.get(code)

    def variant_by_barcode(self, barcode: str) -> BsaleVariant | None:
        return self._by_barcode.get(barcode)

    def variants_of(self, product_id: int) -> list[BsaleVariant]:
        return self._variants_by_product.get(product_id, [])

    def stocks_of(self, variant_id: int) -> list[BsaleStock]:
        return self._stocks_by_variant.get(variant_id, [])

    def stocks_in(self, office_id: int) -> list[BsaleStock]:
        return self._stocks_by_office.get(office_id, [])

    def stock_row(self, variant_id: int, office_id: int) -> BsaleStock | None:
        return self._stock_by_key.get((variant_id, office_id))

    def detail_for(self, price_list_id: int, variant_id: int) -> BsalePriceDetail | None:
        return self._detail_by_key.get((price_list_id, variant_id))

    def details_in(self, price_list_id: int) -> list[BsalePriceDetail]:
        return self._details_by_list.get(price_list_id, [])

    def main_office_id(self) -> int:
        return min(self.offices)

    def resolve_line_variant(self, line: dict[str, Any]) -> BsaleVariant | None:
        """A movement line names its variant by ``variantId``, ``code`` or ``barCode``."""
        if line.get("variantId") is not None:
            try:
                return self.variants.get(int(line["variantId"]))
            except (TypeError, ValueError):
                return None
        if line.get("code") is not None:
            return self._by_code.get(str(line["code"]))
        if line.get("barCode") is not None:
            return self._by_barcode.get(str(line["barCode"]))
        return None

    # writes --------------------------------------------------------------------------------
    def _index_stock(self, stock: BsaleStock) -> None:
        self._stock_by_key[(stock.variant_id, stock.office_id)] = stock
        self._stocks_by_variant.setdefault(stock.variant_id, []).append(stock)
        self._stocks_by_office.setdefault(stock.office_id, []).append(stock)

    def ensure_stock_row(self, variant_id: int, office_id: int) -> BsaleStock:
        stock = self.stock_row(variant_id, office_id)
        if stock is None:
            stock = BsaleStock(self._next_stock_id, variant_id, office_id, 0.0, 0.0)
            self._next_stock_id += 1
            self.stocks[stock.id] = stock
            self._index_stock(stock)
        return stock

    def receive(self, office_id: int, lines: list[StockLine], header: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/stocks/receptions.json``: add stock to an office."""
        for line in lines:
            self.ensure_stock_row(line.variant.id, office_id).quantity += line.quantity
        record = {
            "id": self._movement_id(),
            "admissionDate": self.business_date,
            "document": header.get("document", ""),
            "documentNumber": header.get("documentNumber", ""),
            "note": header.get("note", ""),
            "office_id": office_id,
            "lines": [(line.variant.id, line.quantity, line.cost) for line in lines],
        }
        self.receptions.append(record)
        return record

    def check_available(self, office_id: int, wanted: dict[int, float]) -> None:
        """Raise Bsale's stock errors unless every variant can give ``wanted`` units in the office.

        Variants with unlimited stock or that allow negative stock always pass.
        """
        for variant_id, quantity in wanted.items():
            variant = self.variants[variant_id]
            if variant.unlimited_stock or variant.allow_negative_stock:
                continue
            stock = self.stock_row(variant_id, office_id)
            available = stock.quantity_available if stock else 0.0
            if available <= 0:
                raise BsaleRuleError(f"There is no stock for this products: {variant.code}")
            if quantity > available:
                raise BsaleRuleError(NO_AVAILABLE_QUANTITY)

    def take_stock(self, office_id: int, wanted: dict[int, float]) -> None:
        """Subtract ``wanted`` units (unlimited-stock variants keep no count)."""
        for variant_id, quantity in wanted.items():
            if not self.variants[variant_id].unlimited_stock:
                self.ensure_stock_row(variant_id, office_id).quantity -= quantity

    def consume(self, office_id: int, lines: list[StockLine], note: str) -> dict[str, Any]:
        """``POST /v1/stocks/consumptions.json``: all lines are checked before any is applied."""
        wanted: dict[int, float] = {}
        for line in lines:
            wanted[line.variant.id] = wanted.get(line.variant.id, 0.0) + line.quantity
        self.check_available(office_id, wanted)
        self.take_stock(office_id, wanted)
        record = {
            "id": self._movement_id(),
            "consumptionDate": self.business_date,
            "note": note,
            "office_id": office_id,
            "lines": [(line.variant.id, line.quantity) for line in lines],
        }
        self.consumptions.append(record)
        return record

    def update_detail_value(self, detail: BsalePriceDetail, net: float) -> BsalePriceDetail:
        detail.variant_value = float(net)
        return detail

    def set_available(self, variant: BsaleVariant, office_id: int, available: float) -> BsaleStock:
        """Merchant edit: make ``quantityAvailable`` equal ``available``, keeping reservations."""
        stock = self.ensure_stock_row(variant.id, office_id)
        stock.quantity = float(available) + stock.quantity_reserved
        return stock

    def create_variant(self, code: str, name: str, net: float) -> BsaleVariant:
        """Merchant edit: a new product with one active variant ``code`` priced ``net`` in every list.

        What a merchant does in Bsale's back office when a web-only SKU must become sellable (the
        API needs a product, a variant and price-list updates for the same). No stock row yet: add
        one with :meth:`set_available`. Raises ``ValueError`` when the SKU already exists.
        """
        if not code or code in self._by_code:
            raise ValueError(f"sku {code!r} is blank or already exists")
        product = BsaleProduct(max(self.products, default=0) + 1, name, 0, 1, 0, 0, 1)
        variant_id = max(self.variants, default=0) + 1
        variant = BsaleVariant(variant_id, product.id, name, code, f"780{variant_id:010d}", 0, 0, 0, 0)
        self.products[product.id] = product
        self.variants[variant.id] = variant
        self._by_code[code] = variant
        self._by_barcode.setdefault(variant.bar_code, variant)
        self._variants_by_product.setdefault(product.id, []).append(variant)
        next_detail_id = max(self.details, default=0) + 1
        for price_list_id in sorted(self.price_lists):
            detail = BsalePriceDetail(next_detail_id, price_list_id, variant.id, float(net))
            next_detail_id += 1
            self.details[detail.id] = detail
            self._detail_by_key[(price_list_id, variant.id)] = detail
            self._details_by_list.setdefault(price_list_id, []).append(detail)
        return variant

    def _movement_id(self) -> int:
        movement_id = self._next_movement_id
        self._next_movement_id += 1
        return movement_id
