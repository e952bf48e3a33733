"""Variant selectors shared by the stock and price-list endpoints (variantid / code / barcode)."""

from __future__ import annotations

from fastapi import Request

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.store import BsaleStore


def variant_id_filter(store: BsaleStore, request: Request) -> set[int] | None:
    """Variant ids selected by ``variantid``, ``code`` and ``barcode`` (intersected); None = all."""
    variant_ids = q.query_ints(request, "variantid")
    for name, lookup in (("code", store.variant_by_code), ("barcode", store.variant_by_barcode)):
        values = q.query_values(request, name)
        if values is not None:
            found = {v.id for value in values if (v := lookup(value)) is not None}
            variant_ids = found if variant_ids is None else variant_ids & found
    return variant_ids
