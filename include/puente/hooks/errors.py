"""Typed vendor errors.

Airflow's ``HttpHook.check_response`` raises a bare ``AirflowException("503:Service Unavailable")``,
which loses the status code and the vendor's own words. Callers (connectors, the invoice ledger,
Airflow retry policies) must decide between "wait", "retry", "look the document up first" and
"give up with the vendor's reason", so every failure here keeps:

* ``status`` (``None`` when no HTTP response arrived),
* ``vendor_message`` exactly as the vendor wrote it (it ends up in run reports and ledgers),
* ``body`` (parsed JSON when possible, else text),
* ``vendor``, ``method`` and ``path`` (path only: query strings may carry credentials).

Messages never include credentials: the hook only ever passes the path, never the URL, headers
or auth, into an error.
"""

from __future__ import annotations

from typing import Any


class VendorError(Exception):
    """Base class for every failure talking to a vendor API."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        vendor_message: str | None = None,
        body: Any = None,
        vendor: str = "",
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.vendor_message = vendor_message
        self.body = body
        self.vendor = vendor
        self.method = method
        self.path = path
        super().__init__(message or self._default_message())

    def _default_message(self) -> str:
        where = " ".join(part for part in (self.vendor, self.method, self.path) if part)
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        detail = f": {self.vendor_message}" if self.vendor_message else ""
        return f"{where} -> {status}{detail}" if where else f"{status}{detail}"

    def __reduce__(self):  # keep attributes when pickled (Airflow ships exceptions across processes)
        return (_rebuild, (type(self), str(self), self.__dict__.copy()))


def _rebuild(cls: type[VendorError], message: str, state: dict[str, Any]) -> VendorError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


UNCERTAIN_NOTE = " (outcome uncertain: the write may have been committed)"


class RateLimited(VendorError):
    """HTTP 429 (or the vendor's equivalent) still failing after the hook's own waits.

    ``retry_after`` is the vendor's wait hint in seconds, when it gave one.
    """

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kwargs: Any):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class TransientError(VendorError):
    """5xx, timeout or connection failure: trying again later may work.

    ``uncertain`` is True when a non-idempotent write may already have been committed (the request
    left this process but no clean answer came back): the caller must look the resource up by its
    own reference before sending it again, or it risks a duplicate invoice.
    """

    def __init__(self, message: str | None = None, *, uncertain: bool = False, **kwargs: Any):
        self.uncertain = uncertain
        if message and uncertain:
            message += UNCERTAIN_NOTE
        super().__init__(message, **kwargs)

    def _default_message(self) -> str:
        base = super()._default_message()
        return base + UNCERTAIN_NOTE if self.uncertain else base


def proven_absent(exc: Exception, lookup: str) -> Exception:
    """An uncertain write that ``lookup`` proved absent is an ordinary transient failure: nothing was
    created, so sending again cannot duplicate (the flow retries it; a person has nothing to check)."""
    if isinstance(exc, TransientError) and exc.uncertain:
        where = " ".join(part for part in (exc.vendor, exc.method, exc.path) if part)
        status = f"HTTP {exc.status}" if exc.status is not None else "no response"
        return TransientError(f"{where} -> {status}; {lookup} found nothing, so nothing was created: retried",
                              status=exc.status, vendor=exc.vendor, method=exc.method, path=exc.path)
    return exc


class PermanentError(VendorError):
    """4xx: sending the same request again will fail the same way."""


class AuthError(PermanentError):
    """401/403: bad or revoked credentials, or missing permission."""


class NotFound(PermanentError):
    """404: the resource does not exist (or is not visible to this account)."""


__all__ = [
    "AuthError",
    "NotFound",
    "PermanentError",
    "RateLimited",
    "TransientError",
    "VendorError",
]
