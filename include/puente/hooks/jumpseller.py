"""Jumpseller (e-commerce channel) hook: HTTP Basic ``login:authtoken``, page-number paging.

Facts (see /work/shared/vendor-apis/jumpseller.md and the official OpenAPI spec): every path is
``/v1/....json``; lists are bare arrays of wrapped objects (``[{"product": {...}}]``) paged by
``page``/``limit`` (max 100) with no total and no next link; budgets are 20 requests/second and
800/minute per store (rejected requests count too, so the limiter must prevent 429s, not react
to them); a 429 carries no documented ``Retry-After``, only the ``Jumpseller-*RateLimit-*``
headers and, once banned, ``Jumpseller-BannedByRateLimit-Reset``. Errors are ``{"message"}``,
``{"errors": [...]}`` or ``{"error"}``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any, ClassVar

from requests import Response, Session
from requests.auth import HTTPBasicAuth

from puente.hooks.base import PuenteHttpHook
from puente.hooks.pagination import PageNumberPaginator
from puente.hooks.ratelimit import Budget
from puente.hooks.retry import parse_retry_after, seconds_until_iso
from puente.hooks.transport import body_of, mask, message_from_body, to_int

PER_SECOND_REMAINING = "Jumpseller-PerSecondRateLimit-Remaining"
PER_MINUTE_REMAINING = "Jumpseller-PerMinuteRateLimit-Remaining"
BANNED_RESET = "Jumpseller-BannedByRateLimit-Reset"


def _unwrap(payload: Any, key: str) -> Any:
    """``{"product": {...}}`` -> ``{...}``; anything else is returned unchanged."""
    if isinstance(payload, dict) and set(payload) == {key}:
        return payload[key]
    return payload


class JumpsellerHook(PuenteHttpHook):
    """Interact with the Jumpseller REST API with the store login and auth token."""

    conn_name_attr = "jumpseller_conn_id"
    default_conn_name = "jumpseller_default"
    conn_type = "jumpseller"
    hook_name = "Jumpseller"
    default_host = "https://api.jumpseller.com"
    vendor: ClassVar[str] = "jumpseller"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((20, 1.0), (800, 60.0))
    max_page_size: ClassVar[int] = 100
    # No Retry-After: the spec's sample waits 1 s; per-minute exhaustion needs longer.
    per_second_exhausted_wait: ClassVar[float] = 1.0
    per_minute_exhausted_wait: ClassVar[float] = 10.0
    test_connection_path: ClassVar[str] = "/v1/store/info.json"

    def __init__(self, jumpseller_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(jumpseller_conn_id, **kwargs)
        self.jumpseller_conn_id = jumpseller_conn_id

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.login or not connection.password:
            raise ValueError(
                f"connection {self.conn_id!r}: Jumpseller needs the store login and the auth token (password)"
            )
        session.auth = HTTPBasicAuth(connection.login, connection.password)
        mask(base64.b64encode(f"{connection.login}:{connection.password}".encode()).decode())

    def extract_message(self, response: Response) -> str | None:
        return message_from_body(body_of(response), ("message", "errors", "error"))

    def wait_hint(self, response: Response) -> float | None:
        """Ban reset, then ``Retry-After`` if a proxy adds one, then the remaining-budget headers."""
        headers = response.headers
        banned = seconds_until_iso(headers.get(BANNED_RESET))
        if banned is not None:
            return banned
        retry_after = parse_retry_after(headers.get("Retry-After"))
        if retry_after is not None:
            return retry_after
        if _safe_int(headers.get(PER_MINUTE_REMAINING)) == 0:
            return self.per_minute_exhausted_wait
        if _safe_int(headers.get(PER_SECOND_REMAINING)) == 0:
            return self.per_second_exhausted_wait
        return None

    # -------------------------------------------------------------------------------- products
    def iter_products(self, limit: int = 100) -> Iterator[dict[str, Any]]:
        """Every product (unwrapped), ``limit`` per page (capped at Jumpseller's 100)."""
        paginator = PageNumberPaginator(page_size=min(int(limit), self.max_page_size))
        for item in self.paginate("/v1/products.json", None, paginator):
            yield _unwrap(item, "product")

    def count_products(self) -> int:
        return int(self.request_json("GET", "/v1/products/count.json")["count"])

    def get_product(self, product_id: int | str) -> dict[str, Any]:
        return _unwrap(self.request_json("GET", f"/v1/products/{product_id}.json"), "product")

    def search_products(self, query: str, fields: str = "sku") -> list[dict[str, Any]]:
        """``/v1/products/search.json?query=&fields=`` (unwrapped), every page of it.

        The spec shows no paging parameters, but lists default to 50 items: ask for 100 per page
        and keep going while pages are full; stop if a page brings nothing new (paging ignored).
        """
        found: dict[Any, dict[str, Any]] = {}
        paginator = PageNumberPaginator(page_size=self.max_page_size)
        for page in paginator.pages(self._get, "/v1/products/search.json", {"query": query, "fields": fields}):
            products = [_unwrap(item, "product") for item in page]
            fresh = {p.get("id", id(p)): p for p in products if p.get("id", id(p)) not in found}
            if not fresh:
                break
            found.update(fresh)
        return list(found.values())

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        return self.request_json("GET", path, params=params)

    def update_product(self, product_id: int | str, fields: dict[str, Any]) -> dict[str, Any]:
        """PUT ``{"product": fields}`` (simple products keep stock and price on the product)."""
        updated = self.request_json("PUT", f"/v1/products/{product_id}.json", json={"product": fields})
        return _unwrap(updated, "product")

    def update_variant(self, product_id: int | str, variant_id: int | str, fields: dict[str, Any]) -> dict[str, Any]:
        """PUT ``{"variant": fields}`` on one variant (stock, price, stock_unlimited, ...)."""
        updated = self.request_json(
            "PUT", f"/v1/products/{product_id}/variants/{variant_id}.json", json={"variant": fields}
        )
        return _unwrap(updated, "variant")

    def get_store_info(self) -> dict[str, Any]:
        return _unwrap(self.request_json("GET", "/v1/store/info.json"), "store")


def _safe_int(value: str | None) -> int | None:
    try:
        return to_int(value)
    except ValueError:
        return None


__all__ = ["JumpsellerHook"]
