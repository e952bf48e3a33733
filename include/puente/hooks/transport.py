"""Small pure helpers of the transport: extras parsing, error-body reading, secret masking."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from requests import Response

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 20_000

_BOOL_WORDS = {
    **dict.fromkeys(("true", "1", "yes", "on"), True),
    **dict.fromkeys(("false", "0", "no", "off"), False),
}


def mask(secret: Any) -> None:
    """Register a secret with Airflow's log masker; a no-op outside Airflow or for empty values.

    Airflow skips secrets shorter than 5 characters (they would mask too much); that is its call.
    """
    if secret in (None, ""):
        return
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:  # pragma: no cover - Airflow without the task SDK
        return
    try:
        mask_secret(secret)
    except Exception:  # masking must never break a request
        log.debug("could not register a secret with the masker", exc_info=True)


def to_bool(value: Any) -> bool | Any:
    """``"false"``/``"0"`` from a UI form or JSON become booleans; anything else is returned as is."""
    if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
        return _BOOL_WORDS[value.strip().lower()]
    return value


def to_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise ValueError(f"expected a whole number, got {value!r}") from None


def _to_timeout(value: Any) -> float | tuple[float, float]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return (float(value[0]), float(value[1]))
    return float(value)


def session_options(extra: Mapping[str, Any], conn_type: str) -> dict[str, Any]:
    """Transport options from connection extras (plain or ``extra__<conn_type>__`` keys).

    Only these are honoured: ``timeout`` (seconds or ``[connect, read]``), ``verify``/``verify_ssl``
    (bool or CA bundle path), ``proxies``/``proxy``, ``cert``, ``trust_env``, ``max_redirects``,
    ``allow_redirects``. Everything else is vendor configuration and is never sent anywhere.
    """
    prefix = f"extra__{conn_type}__"

    def get(*names: str) -> Any:
        for name in names:
            for key in (name, prefix + name):
                value = extra.get(key)
                if value not in (None, ""):
                    return value
        return None

    options: dict[str, Any] = {}
    if (timeout := get("timeout")) is not None:
        options["timeout"] = _to_timeout(timeout)
    if (verify := get("verify", "verify_ssl")) is not None:
        options["verify"] = to_bool(verify)
    if (proxies := get("proxies", "proxy")) is not None:
        options["proxies"] = proxies
    if (cert := get("cert")) is not None:
        options["cert"] = cert
    if (trust_env := get("trust_env")) is not None:
        options["trust_env"] = bool(to_bool(trust_env))
    if (max_redirects := get("max_redirects")) is not None:
        options["max_redirects"] = int(max_redirects)
    if (allow_redirects := get("allow_redirects")) is not None:
        options["allow_redirects"] = bool(to_bool(allow_redirects))
    return options


def body_of(response: Response) -> Any:
    """The response body as JSON when it parses, else text (capped: an HTML error page can be huge)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text[:MAX_BODY_CHARS]


def message_from_body(body: Any, keys: Iterable[str]) -> str | None:
    """First of ``keys`` present in a JSON object body, verbatim; a list of messages is joined by ``"; "``.

    A non-JSON body (proxy HTML, plain text) is returned stripped and shortened.
    """
    if isinstance(body, Mapping):
        for key in keys:
            value = body.get(key)
            if value in (None, "", [], {}):
                continue
            if isinstance(value, list):
                return "; ".join(str(item) for item in value)
            if isinstance(value, Mapping):  # e.g. {"errors": {"field": ["msg"]}}
                return "; ".join(f"{k}: {v}" for k, v in value.items())
            return str(value)
        return None
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return None


__all__ = ["body_of", "mask", "message_from_body", "session_options", "to_bool", "to_int"]


def rebase_url(base_url: str, path: str) -> str:
    """Resolve ``path`` (or a vendor's absolute link) against ``base_url``.

    Absolute links are re-based onto our host: credentials never follow a link elsewhere. A path
    that already starts with the base URL's own path (a vendor's ``next`` link) is not doubled.
    """
    if "://" in path:
        parts = urlsplit(path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path) :]
    if not path.startswith("/"):
        path = "/" + path
    return base_url + path
