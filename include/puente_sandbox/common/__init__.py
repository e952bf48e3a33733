"""Building blocks shared by every vendor sandbox (faults, accounting, limits, inspection)."""

from puente_sandbox.common.accounting import RequestAccounting, WriteRecord
from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.faults import FaultConfig, FaultInjector, FaultPlan
from puente_sandbox.common.middleware import DROPPED_STATUS, SandboxMiddleware
from puente_sandbox.common.ratelimit import Budget, RateDecision, SlidingWindowRateLimiter, make_limiter
from puente_sandbox.common.state import INSPECTION_PREFIX, SandboxState
from puente_sandbox.common.vendor import VendorError, VendorProfile
from puente_sandbox.common.windows import SlidingWindow

__all__ = [
    "DROPPED_STATUS",
    "INSPECTION_PREFIX",
    "Budget",
    "FaultConfig",
    "FaultInjector",
    "FaultPlan",
    "RateDecision",
    "RequestAccounting",
    "SandboxMiddleware",
    "SandboxState",
    "SlidingWindow",
    "SlidingWindowRateLimiter",
    "VendorError",
    "VendorProfile",
    "WriteRecord",
    "build_vendor_app",
    "make_limiter",
]
