"""``read_both``: the ERP and channel reads overlap, and a failure comes out as it was raised."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from puente.operators.catalog_sync import read_both


class _Side:
    """A source and target at once: each read waits at a shared barrier, so it only passes concurrently."""

    def __init__(self, barrier: threading.Barrier, result: pd.DataFrame, error: Exception | None = None) -> None:
        self.barrier, self.result, self.error = barrier, result, error
        self.skus_seen: object = None

    def _read(self, skus: object) -> pd.DataFrame:
        self.skus_seen = skus
        self.barrier.wait()
        if self.error is not None:
            raise self.error
        return self.result

    read_catalog = _read
    read_listings = _read


def test_reads_run_at_the_same_time_and_keep_their_order() -> None:
    barrier = threading.Barrier(2, timeout=10)  # a serial read would break the barrier
    source, target = _Side(barrier, pd.DataFrame({"a": [1]})), _Side(barrier, pd.DataFrame({"b": [2]}))
    catalog, listings = read_both(source, target, frozenset({"X"}))
    assert list(catalog.columns) == ["a"] and list(listings.columns) == ["b"]
    assert source.skus_seen == target.skus_seen == frozenset({"X"})


@pytest.mark.parametrize("failing", ["source", "target"])
def test_a_failure_is_raised_unchanged(failing: str) -> None:
    barrier = threading.Barrier(2, timeout=10)
    error = ConnectionError("vendor down")
    source = _Side(barrier, pd.DataFrame(), error if failing == "source" else None)
    target = _Side(barrier, pd.DataFrame(), error if failing == "target" else None)
    with pytest.raises(ConnectionError) as raised:
        read_both(source, target, None)
    assert raised.value is error
