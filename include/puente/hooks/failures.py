"""Turn a failed exchange (an HTTP status or a ``requests`` exception) into a typed error.

Pure functions, so the decision "was this write possibly committed?" is testable on its own and
the hook's request loop only decides *whether and how long* to wait.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests import Response
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from puente.hooks.errors import AuthError, NotFound, PermanentError, RateLimited, TransientError, VendorError
from puente.hooks.retry import Action
from puente.hooks.transport import body_of

ERROR_FOR_ACTION: dict[Action, type[VendorError]] = {
    Action.WAIT: RateLimited,
    Action.BACKOFF: TransientError,
    Action.AUTH: AuthError,
    Action.NOT_FOUND: NotFound,
    Action.FAIL: PermanentError,
}

_TRANSPORT_FAILURES = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def error_for_response(
    response: Response,
    action: Action,
    *,
    vendor: str,
    method: str,
    path: str,
    idempotent: bool,
    vendor_message: str | None,
    retry_after: float | None = None,
) -> VendorError:
    """The typed error for a non-2xx answer; a 5xx on a non-idempotent request is ``uncertain``."""
    details: dict[str, Any] = {
        "status": response.status_code,
        "vendor_message": vendor_message,
        "body": body_of(response),
        "vendor": vendor,
        "method": method,
        "path": path,
    }
    if action is Action.WAIT:
        return RateLimited(retry_after=retry_after, **details)
    if action is Action.BACKOFF:
        return TransientError(uncertain=not idempotent, **details)
    return ERROR_FOR_ACTION.get(action, PermanentError)(**details)


def error_for_exception(
    exc: requests.RequestException, *, vendor: str, method: str, path: str, idempotent: bool
) -> VendorError:
    """Connection failures and timeouts are transient; anything else (bad URL...) is permanent.

    Only the exception class names go into the message: ``str(exc)`` of a requests error embeds
    the full URL, query string included.
    """
    where = {"vendor": vendor, "method": method, "path": path}
    message = f"{vendor} {method} {path} -> {describe(exc)}"
    if isinstance(exc, _TRANSPORT_FAILURES):
        return TransientError(message, uncertain=may_have_been_sent(exc) and not idempotent, **where)
    return PermanentError(message, **where)


def describe(exc: BaseException) -> str:
    """``ConnectionError (NewConnectionError)``: class names only, never the URL."""
    inner = exc.args[0] if exc.args else None
    inner = getattr(inner, "reason", inner)
    if isinstance(inner, BaseException):
        return f"{type(exc).__name__} ({type(inner).__name__})"
    return type(exc).__name__


def may_have_been_sent(exc: requests.RequestException) -> bool:
    """False only when no connection was established (so the request never left this process).

    A read timeout, a reset or a connection cut mid-response all happen after the request was
    written: the vendor may have committed it.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    inner = exc.args[0] if exc.args else None
    inner = getattr(inner, "reason", inner)
    return not isinstance(inner, NewConnectionError | ConnectTimeoutError)


__all__ = ["ERROR_FOR_ACTION", "describe", "error_for_exception", "error_for_response", "may_have_been_sent"]


def error_for_unreadable_body(response: Response, *, vendor: str, method: str, idempotent: bool) -> TransientError:
    """A 2xx whose body is not JSON (a proxy page?): the write happened, but we lack its result,
    so a non-idempotent request is ``uncertain``."""
    path = urlsplit(response.url).path
    return TransientError(
        f"{vendor} {method.upper()} {path} -> HTTP {response.status_code} with a body that is not JSON",
        status=response.status_code, body=response.text[:2000], vendor=vendor, method=method.upper(), path=path,
        uncertain=not idempotent,
    )
