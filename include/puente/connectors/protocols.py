"""Capability protocols: a flow works with any pair of connectors that implement its protocols.

Adding a vendor is one hook, one connector and one sandbox; the flows do not change.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

import pandas as pd

# Below this many SKUs a targeted run asks the vendor SKU by SKU; above, reading the pages is cheaper.
TARGETED_READ_MAX_SKUS = 25


@runtime_checkable
class CatalogSource(Protocol):
    """An ERP that knows stock and prices by SKU (columns: ``rules.catalog.SOURCE_COLUMNS``)."""

    def read_catalog(self, skus: Collection[str] | None = None) -> pd.DataFrame: ...


@runtime_checkable
class CatalogTarget(Protocol):
    """A sales channel whose listings are matched by SKU (columns: ``rules.catalog.LISTING_COLUMNS``)."""

    def read_listings(self, skus: Collection[str] | None = None) -> pd.DataFrame: ...

    def apply_update(self, update: dict) -> None: ...
