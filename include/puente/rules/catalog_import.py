"""Which ERP products to create in a channel that lacks them ("Importar productos"), grouped per product.

Pure functions over the catalog frames (``rules.catalog``). The ERP frame may carry the optional
product columns ``PRODUCT_COLUMNS`` (an ERP source with products and variants fills them); without
them every SKU is its own product named by its SKU, which is what an ERP with no variants means.

A product is created only when *none* of its SKUs is listed in the channel: creating the missing
variant of a listed product as a new product would put the same article twice in the store, so a
partly listed product is reported (add the variant in the store, and the sync links it). SKUs the
channel cannot sell (``unsupported``: packs, serials) are never created; SKUs that appear more than
once in the ERP are conflicts and keep their product out. Stock, unlimited and price follow
:func:`rules.catalog.desired_state` (pre-sale, never negative, price with or without taxes); the
price is taken even when the sync does not push prices, because a channel product needs one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd

from puente.rules.catalog import CatalogOptions, desired_state
from puente.rules.sku_matching import normalize_series, normalize_sku

PRODUCT_COLUMNS = ["product_key", "name", "option_name", "option_value"]


@dataclass(frozen=True)
class ImportVariant:
    """One ERP SKU to create, with the values the channel should show from the start."""

    sku: str
    source_id: str | None
    stock: int
    unlimited: bool
    price: Decimal
    option_name: str | None = None
    option_value: str | None = None


@dataclass(frozen=True)
class ImportProduct:
    """One ERP product: the unit of a create (and of the exactly-once ledger)."""

    key: str
    name: str
    variants: tuple[ImportVariant, ...]

    @property
    def skus(self) -> list[str]:
        return [variant.sku for variant in self.variants]


@dataclass(frozen=True)
class CreatedProduct:
    """What the channel holds for an imported product: its id and each SKU's variant id (None: the
    product itself is the listing), as a create answered it or a SKU lookup found it."""

    product_id: str
    variants: dict[str, str | None]

    def links(self, product: ImportProduct) -> list[dict]:
        """``sku_link`` rows (``linked``) for the SKUs of ``product`` the channel now has."""
        sources = {variant.sku: variant.source_id for variant in product.variants}
        return [{"sku": sku, "status": "linked", "reason": None, "source_id": sources.get(sku),
                 "product_id": self.product_id, "variant_id": variant_id}
                for sku, variant_id in self.variants.items() if sku in sources]


@dataclass
class ImportPlan:
    products: list[ImportProduct] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {key, name, skus, reason}: not created, and why

    @property
    def counts(self) -> dict[str, int]:
        return {"to_create": len(self.products), "skipped": len(self.skipped),
                "to_create_skus": sum(len(p.variants) for p in self.products)}


def with_product_columns(source: pd.DataFrame) -> pd.DataFrame:
    """The ERP frame with ``PRODUCT_COLUMNS`` present: missing ones mean one product per SKU."""
    frame = source.copy()
    if "product_key" not in frame:
        frame["product_key"] = None
    keys = frame["product_key"].where(frame["product_key"].notna() & (frame["product_key"].astype(str) != ""))
    frame["product_key"] = keys.fillna("sku:" + frame["sku"].astype(str)).astype(str)
    if "name" not in frame:
        frame["name"] = None
    frame["name"] = frame["name"].where(frame["name"].notna() & (frame["name"].astype(str).str.strip() != ""),
                                        frame["sku"]).astype(str)
    for column in ("option_name", "option_value"):
        if column not in frame:
            frame[column] = None
    return frame


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _price(value: object) -> Decimal | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return Decimal(str(value))


def plan_import(
    source: pd.DataFrame, listings: pd.DataFrame, options: CatalogOptions, skus: Collection[str] | None = None,
    linked_by_hand: Collection[str] = (),
) -> ImportPlan:
    """The ERP products to create in the channel, in ERP order, and the ones left out with a reason.

    ``skus`` chooses products: a product is considered when any of its SKUs is named, and then
    with all its variants (creating half a product would leave the rest unable to follow later).
    A SKU counts as listed the way the sync would link it: after the tenant's normalisation
    (``options.sku_normalization``), or by hand (``linked_by_hand``: ERP SKUs a person linked to a
    listing of the channel), so an import never creates a second listing of a linked product.
    """
    frame = with_product_columns(source)
    frame["sku"] = frame["sku"].fillna("").astype(str).str.strip()
    desired = desired_state(frame, replace(options, push_price=True))
    frame = frame.assign(d_stock=desired["stock"], d_unlimited=desired["unlimited"], d_price=desired["price"])
    steps = options.sku_normalization
    keys = set(normalize_series(listings["sku"], steps)) | {normalize_sku(sku, steps) for sku in linked_by_hand}
    listed = {sku for sku in frame["sku"] if sku and normalize_sku(sku, steps) in keys - {""}}
    counts = frame.loc[frame["sku"] != "", "sku"].value_counts()
    duplicated = set(counts[counts > 1].index)
    wanted = None if skus is None else {str(sku).strip() for sku in skus}

    plan = ImportPlan()
    for key, group in frame.groupby("product_key", sort=False):
        group_skus = [sku for sku in group["sku"] if sku]
        if wanted is not None and not wanted & set(group_skus):
            continue
        missing = [sku for sku in group_skus if sku not in listed]
        if not missing:
            continue  # the channel has it all: the sync links it
        name = str(group["name"].iloc[0])
        entry = {"key": str(key), "name": name, "skus": missing}
        reason = _left_out(group, group_skus, missing, listed, duplicated)
        if reason:
            plan.skipped.append({**entry, "reason": reason})
            continue
        sellable = [row for row in group.itertuples(index=False)
                    if not (isinstance(row.unsupported, str) and row.unsupported)]
        if not sellable:
            plan.skipped.append({**entry, "reason": "no SKU the channel can sell (packs or serial-numbered only)"})
            continue
        if any(_price(row.d_price) is None for row in sellable):
            plan.skipped.append({**entry, "reason": "no price in the configured price list"})
            continue
        variants = [_variant(row) for row in sellable]
        plan.products.append(ImportProduct(str(key), name, tuple(variants)))
    return plan


def _left_out(group: pd.DataFrame, group_skus: list[str], missing: list[str], listed: set[str],
              duplicated: set[str]) -> str | None:
    """Why a product with missing SKUs must not be created, or None."""
    if len(group_skus) < len(group):
        return "a variant has no SKU in the ERP: it could never be linked"
    conflicts = sorted(set(group_skus) & duplicated)
    if conflicts:
        return f"SKU appears more than once in the ERP: {', '.join(conflicts)}"
    present = sorted(set(group_skus) & listed)
    if present:
        return (f"partly in the channel ({', '.join(present)} listed): add {', '.join(missing)} to that product "
                "in the store and the sync links it")
    return None


def _variant(row) -> ImportVariant:
    return ImportVariant(
        sku=row.sku, source_id=_text(row.source_id), stock=int(row.d_stock), unlimited=bool(row.d_unlimited),
        price=Decimal(str(row.d_price)), option_name=_text(row.option_name), option_value=_text(row.option_value),
    )
