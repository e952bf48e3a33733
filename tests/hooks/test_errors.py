"""Typed errors keep status, vendor message and body, and survive pickling."""

from __future__ import annotations

import pickle

import pytest

from puente.hooks.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError, VendorError


def test_message_names_vendor_method_path_status_and_vendor_text() -> None:
    error = PermanentError(
        status=400,
        vendor_message="invalid variant",
        body={"error": "invalid variant"},
        vendor="bsale",
        method="POST",
        path="/v1/documents.json",
    )
    assert str(error) == "bsale POST /v1/documents.json -> HTTP 400: invalid variant"
    assert error.body == {"error": "invalid variant"}


def test_uncertain_transient_says_so() -> None:
    error = TransientError(status=500, vendor="bsale", method="POST", path="/v1/documents.json", uncertain=True)
    assert error.uncertain is True
    assert "outcome uncertain" in str(error)
    assert "no response" in str(TransientError(vendor="x", method="GET", path="/"))


@pytest.mark.parametrize(
    ("error_type", "parents"),
    [
        (AuthError, (PermanentError, VendorError)),
        (NotFound, (PermanentError, VendorError)),
        (RateLimited, (VendorError,)),
        (TransientError, (VendorError,)),
    ],
)
def test_hierarchy(error_type, parents) -> None:
    assert issubclass(error_type, parents)


def test_pickle_round_trip_keeps_attributes() -> None:
    """Airflow moves exceptions between processes; the attributes must survive."""
    error = RateLimited(retry_after=2.5, status=429, vendor_message="slow", vendor="js", method="GET", path="/p")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RateLimited
    assert (copy.retry_after, copy.status, copy.vendor_message, copy.path) == (2.5, 429, "slow", "/p")
    assert str(copy) == str(error)
    uncertain = pickle.loads(pickle.dumps(TransientError(uncertain=True, status=502)))
    assert uncertain.uncertain is True and uncertain.status == 502
