"""Bsale <-> canonical catalog: one office's sellable stock and one price list, by SKU.

Stock is ``quantityAvailable`` (physical minus what drafts and undispatched documents hold), so
reserved units are never sold twice. Packs and serial-numbered variants are reported as
unsupported: Jumpseller has no packs and cannot pick a serial for a web sale.

The frame also carries the optional product columns of ``rules.catalog_import`` (what an import
creates from): the Bsale product id and name, and the variant's ``description`` as the option
value. Bsale names no option (its attributes are a separate resource, not read), so
``option_name`` is left empty for the channel to name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from puente.connectors.protocols import TARGETED_READ_MAX_SKUS
from puente.hooks import deadline
from puente.rules.catalog import SOURCE_COLUMNS, empty_source
from puente.rules.catalog_import import PRODUCT_COLUMNS
from puente.vendors.bsale.settings import BsaleSettings

# Bsale product ``classification``: 0 product, 1 service, 3 pack/promotion.
PACK_CLASSIFICATION = 3
ACTIVE = 0


def _rel_id(node: object) -> str | None:
    if isinstance(node, dict) and node.get("id") is not None:
        return str(node["id"])
    return None


class BsaleCatalogSource:
    def __init__(self, settings: BsaleSettings, hook=None) -> None:
        if hook is None:
            from puente.vendors.bsale.hook import BsaleHook

            hook = BsaleHook(bsale_conn_id=settings.conn_id)
        self.settings = settings
        self.hook = hook

    def price_list_id(self) -> int:
        if self.settings.price_list_id is not None:
            return self.settings.price_list_id
        office = self.hook.get_office(self.settings.office_id)
        default = _rel_id(office.get("defaultPriceList"))
        if default is None:
            raise ValueError(f"Bsale office {self.settings.office_id} has no default price list; set price_list_id")
        return int(default)

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame:
        office_id, price_list_id = self.settings.office_id, self.price_list_id()
        if skus is not None and len(skus) <= TARGETED_READ_MAX_SKUS:
            variants, stocks, prices = [], [], []
            for sku in sorted(skus):
                variants += self.hook.iter_variants(code=sku, expand="[product]")
                stocks += self.hook.iter_stocks(office_id, code=sku)
                prices += self.hook.iter_price_list_details(price_list_id, code=sku)
        else:
            variants, stocks, prices = self._read_concurrently(
                lambda hook: hook.iter_variants(expand="[product]"),
                lambda hook: hook.iter_stocks(office_id),
                lambda hook: hook.iter_price_list_details(price_list_id),
            )
        frame = to_source_frame(variants, stocks, prices)
        if skus is not None:
            frame = frame[frame["sku"].isin(set(skus))]
        return frame

    def _read_concurrently(self, *lists: Callable[[Any], Iterable[dict]]) -> list[list[dict]]:
        """Read each list to the end in its own thread, with its own hook; results in argument order.

        Why: the three lists are independent and each is hundreds of pages at 20k SKUs, so read
        one after the other they cost three round-trip chains. Each thread gets a sibling hook
        (one ``requests.Session`` per thread, one shared limiter and budget). The first failure is
        raised unchanged, after the other reads have ended.
        """
        hooks = [self.hook, *(self.hook.sibling() for _ in lists[1:])]
        try:
            with ThreadPoolExecutor(max_workers=len(lists), thread_name_prefix="bsale-read") as pool:
                futures = [
                    deadline.submit(pool, lambda read, hook: list(read(hook)), read, hook)  # keeps a caller's deadline
                    for read, hook in zip(lists, hooks, strict=True)
                ]
                return [future.result() for future in futures]
        finally:
            for hook in hooks[1:]:
                hook.close()


def to_source_frame(variants: Iterable[dict], stocks: Iterable[dict], prices: Iterable[dict]) -> pd.DataFrame:
    """Join Bsale's three resources on variant id into the canonical source columns.

    Written for 100,000 variants (the planning budget is 10 µs per SKU, mapping included): one
    ``get`` per field, flags tested before they are converted.
    """
    available: dict[str | None, float] = {}
    for stock in stocks:
        variant_id = _rel_id(stock.get("variant"))
        if variant_id is not None:
            available[variant_id] = available.get(variant_id, 0.0) + float(stock.get("quantityAvailable") or 0)
    # Prices stay the JSON numbers Bsale sent: the plan compares them as floats first and makes
    # exact cents (``Decimal(str(value))``, the same value as converting here) only for the 1% that
    # may differ; converting all 100,000 here cost a fifth of the mapping.
    price_by_variant = {
        _rel_id(detail.get("variant")): (detail.get("variantValue"), detail.get("variantValueWithTaxes"))
        for detail in prices
    }
    rows = []
    no_price = (None, None)
    for variant in variants:
        get = variant.get
        state = get("state")
        if state and int(state) != ACTIVE:
            continue
        variant_id = str(variant["id"])
        product = get("product") or {}
        classification, serial = product.get("classification"), get("serialNumber")
        unsupported = None
        if classification and int(classification) == PACK_CLASSIFICATION:
            unsupported = "pack: the channel does not support packs"
        elif serial and int(serial):
            unsupported = "serial-numbered variant: the channel cannot pick a serial"
        negative, unlimited = get("allowNegativeStock"), get("unlimitedStock")
        net, gross = price_by_variant.get(variant_id, no_price)
        product_id = product.get("id")
        rows.append((
            str(get("code") or "").strip(), variant_id, math.floor(available.get(variant_id, 0.0)),
            bool((negative and int(negative)) or (unlimited and int(unlimited))), net, gross, unsupported,
            None if product_id is None else str(product_id), product.get("name"), None, get("description"),
        ))  # fmt: skip
    if not rows:
        return empty_source()
    return pd.DataFrame.from_records(rows, columns=SOURCE_COLUMNS + PRODUCT_COLUMNS)
