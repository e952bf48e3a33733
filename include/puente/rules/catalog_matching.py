"""Pair ERP rows with channel listings: manual links first, then SKUs (exact or normalised).

Why its own module: ``rules.catalog`` decides what to write for a pair; this decides the pairs, the
one place the article's linking options live. Vectorised merges only: the whole plan has 10 µs
per SKU, and a row-by-row matcher alone would spend it.

The result is one frame, one row per pair or lone side, with the desired columns of the ERP side,
the channel's as ``*_now``, and ``match`` (exact|normalized|manual), ``listing_sku``,
``conflict`` (the key is on one side more than once) and ``note`` (why a row is as it is).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from puente.rules.sku_matching import Normalization, normalize_series

MANUAL_COLUMNS = ["product_id", "variant_id", "erp_sku"]


def empty_manual() -> pd.DataFrame:
    return pd.DataFrame(columns=MANUAL_COLUMNS)


def _listing_ref(frame: pd.DataFrame) -> pd.Series:
    variant = frame["variant_key"]
    return frame["product_id"].astype(str) + variant.where(variant == "", "/" + variant)


def pair_rows(
    desired: pd.DataFrame, listings: pd.DataFrame, manual: pd.DataFrame | None, steps: Sequence[Normalization]
) -> pd.DataFrame:
    """``desired`` (``catalog.desired_state``) x ``listings`` -> the paired frame described above."""
    desired = desired.assign(key=normalize_series(desired["sku"], steps))
    listings = listings.assign(
        key=normalize_series(listings["sku"], steps),
        variant_key=listings["variant_id"].fillna("").astype(str),
    )
    desired = desired[desired["key"].str.len() > 0]

    if manual is not None and len(manual):
        by_hand = manual.assign(variant_key=manual["variant_id"].fillna("").astype(str),
                                product_id=manual["product_id"].astype(str))[["product_id", "variant_key", "erp_sku"]]
        listings = listings.merge(by_hand, on=["product_id", "variant_key"], how="left")
    else:
        listings = listings.assign(erp_sku=None)
    is_manual = listings["erp_sku"].notna()
    # A listing without a SKU can only be linked by hand (the usual reason to link by hand).
    manual_listings, listings = listings[is_manual], listings[~is_manual & (listings["key"].str.len() > 0)]
    manual_skus = set(manual_listings["erp_sku"])
    manual_keys = set(normalize_series(pd.Series(sorted(manual_skus), dtype=object), steps)) if manual_skus else set()

    # A listing whose SKU would match an ERP SKU a person linked to another listing: the person wins,
    # and the row of that ERP SKU says which listings it leaves unsynced.
    shadowed = listings["key"].isin(manual_keys)
    shadow_notes = _listing_ref(listings[shadowed]).groupby(listings.loc[shadowed, "key"]).agg(", ".join)
    listings = listings[~shadowed]

    by_hand_side = desired[desired["sku"].isin(manual_skus)]
    auto_side = desired[~desired["sku"].isin(manual_skus)]
    paired_by_hand = _merge_by_hand(by_hand_side, manual_listings, shadow_notes)
    paired_auto = _merge_by_key(auto_side, listings)
    return pd.concat([paired_auto, paired_by_hand], ignore_index=True) if len(paired_by_hand) else paired_auto


def _merge_by_hand(desired: pd.DataFrame, listings: pd.DataFrame, shadow_notes: pd.Series) -> pd.DataFrame:
    duplicated = set(desired.loc[desired["sku"].duplicated(keep=False), "sku"])
    merged = desired.drop_duplicates("sku").merge(
        listings.drop(columns=["key"]), left_on="sku", right_on="erp_sku", how="right",
        suffixes=("", "_now"), indicator="side",
    )
    merged["side"] = merged["side"].astype(str).where(merged["side"] != "right_only", "manual_missing")
    merged["listing_sku"] = merged["sku_now"]
    merged["sku"] = merged["sku"].where(merged["sku"].notna(), merged["erp_sku"])
    merged["match"] = "manual"
    merged["conflict"] = merged["sku"].isin(duplicated)
    shadows = shadow_notes.to_dict()
    merged["note"] = [f"linked by hand; also the SKU of {shadows[key]}, which is not synced" if key in shadows else None
                      for key in merged["key"].tolist()]
    return merged.drop(columns=["erp_sku", "sku_now"])


def _merge_by_key(desired: pd.DataFrame, listings: pd.DataFrame) -> pd.DataFrame:
    conflicts = set(desired.loc[desired["key"].duplicated(keep=False), "key"])
    conflicts |= set(listings.loc[listings["key"].duplicated(keep=False), "key"])
    merged = desired.drop_duplicates("key").merge(
        listings.drop(columns=["erp_sku"]).drop_duplicates("key"), on="key", how="outer", suffixes=("", "_now"),
        indicator="side", sort=False,
    )
    merged["side"] = merged["side"].astype(str)
    merged["listing_sku"] = merged["sku_now"]
    merged["sku"] = merged["sku"].where(merged["sku"].notna(), merged["sku_now"])
    merged["match"] = (merged["sku"] == merged["listing_sku"]).map({True: "exact", False: "normalized"})
    merged["conflict"] = merged["key"].isin(conflicts)
    merged["note"] = None
    if conflicts:
        spellings = pd.concat([desired.loc[desired["key"].isin(conflicts), ["key", "sku"]],
                               listings.loc[listings["key"].isin(conflicts), ["key", "sku"]]])
        names = spellings.drop_duplicates().groupby("key")["sku"].agg(lambda s: ", ".join(sorted(map(repr, s))))
        spelled = names.to_dict()
        merged["note"] = [f"SKU appears more than once on one side: {spelled[key]}" if key in spelled else None
                          for key in merged["key"].tolist()]
    return merged.drop(columns=["sku_now"])
