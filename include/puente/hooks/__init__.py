"""Vendor hooks: transport only (auth, paging, rate limits, retries, typed errors).

Exports are lazy: importing ``puente.hooks.ratelimit`` or ``puente.hooks.errors`` (limiter worker
processes, the provider-info entry point) must not pay the seconds-long Airflow import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "PuenteHttpHook": "puente.hooks.base",
    "BsaleHook": "puente.vendors.bsale.hook",
    "FactoHook": "puente.vendors.facto.hook",
    "JumpsellerHook": "puente.vendors.jumpseller.hook",
    "VendorError": "puente.hooks.errors",
    "RateLimited": "puente.hooks.errors",
    "TransientError": "puente.hooks.errors",
    "PermanentError": "puente.hooks.errors",
    "AuthError": "puente.hooks.errors",
    "NotFound": "puente.hooks.errors",
    "get_limiter": "puente.hooks.ratelimit",
}

if TYPE_CHECKING:
    from puente.hooks.base import PuenteHttpHook
    from puente.hooks.errors import (
        AuthError,
        NotFound,
        PermanentError,
        RateLimited,
        TransientError,
        VendorError,
    )
    from puente.hooks.ratelimit import get_limiter
    from puente.vendors.bsale.hook import BsaleHook
    from puente.vendors.facto.hook import FactoHook
    from puente.vendors.jumpseller.hook import JumpsellerHook


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'puente.hooks' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "AuthError",
    "BsaleHook",
    "FactoHook",
    "JumpsellerHook",
    "NotFound",
    "PermanentError",
    "PuenteHttpHook",
    "RateLimited",
    "TransientError",
    "VendorError",
    "get_limiter",
]
