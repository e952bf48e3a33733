"""Jumpseller (e-commerce channel) hook: HTTP Basic ``login:authtoken``, page-number paging.

Facts (see ../shared/vendor-apis/jumpseller.md and the official OpenAPI spec): every path is
``/v1/....json``; lists are bare arrays of wrapped objects (``[{"product": {...}}]``) paged by
``page``/``limit`` (max 100) with no total and no next link; budgets are 20 requests/second and
800/minute per store (rejected requests count too, so the limiter must prevent 429s, not react
to them); a 429 carries no documented ``Retry-After``, only the ``Jumpseller-*RateLimit-*``
headers and, once banned, ``Jumpseller-BannedByRateLimit-Reset``. Errors are ``{"message"}``,
``{"errors": [...]}`` or ``{"error"}``.

Orders are filtered with repeated ``status_filters[]`` and ``dateFilter=customDate`` plus
``initialDate``/``finalDate`` (both required by Jumpseller); ``/orders/count.json`` takes no filters.
Order documents (invoice links) are created with a POST that has no idempotency key: a lost answer
is ``TransientError(uncertain=True)`` and the caller must look the document up before re-sending.
Products are created the same way (``POST /v1/products.json``, no idempotency key either): the
caller looks the product up by SKU (:meth:`JumpsellerHook.find_products_by_sku`) before re-sending.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from datetime import date
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

# ``status_filters[]`` values of GET /orders.json (the spec's enum). Jumpseller's answer to an
# unknown value is undocumented; ignoring it would silently return every order, so we refuse it.
ORDER_STATUS_FILTERS = frozenset({"paid", "created", "pending_payment", "canceled", "abandoned"})
# ``GET /orders/status/{status}.json`` path values (the spec's list; no "created" there).
ORDER_STATUS_PATHS = frozenset({"paid", "pending_payment", "canceled", "abandoned"})


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

    def create_product(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``{"product": payload}`` (the spec's ``ProductCreateFields``); the created product, unwrapped.

        Not idempotent: a 5xx, timeout or cut connection raises ``TransientError(uncertain=True)``
        and nothing is re-sent (a 429 is retried: the store rejected it before doing anything).
        Settle an uncertain create with :meth:`find_products_by_sku` before sending it again.
        """
        created = self.request_json("POST", "/v1/products.json", json={"product": payload}, idempotent=False)
        return _unwrap(created, "product")

    def find_products_by_sku(self, sku: str) -> list[dict[str, Any]]:
        """Products (unwrapped) whose own SKU or a variant's SKU is exactly ``sku``.

        The search matches substrings ("SKU-1" finds "SKU-10"), so exact matches are kept here.
        """
        wanted = sku.strip()
        if not wanted:
            return []
        return [
            product for product in self.search_products(wanted, fields="sku")
            if str(product.get("sku") or "").strip() == wanted
            or any(str(v.get("sku") or "").strip() == wanted for v in product.get("variants") or [])
        ]

    def get_store_info(self) -> dict[str, Any]:
        return _unwrap(self.request_json("GET", "/v1/store/info.json"), "store")

    # ---------------------------------------------------------------------------------- orders
    def iter_orders(
        self,
        *,
        statuses: Sequence[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Every order (unwrapped) matching the filters, ``limit`` per page (capped at 100).

        ``statuses`` are ``status_filters[]`` values (any of them matches); ``date_from``/``date_to``
        are an inclusive ``customDate`` window on the order date, both or neither.

        Jumpseller lists orders newest first, so an order placed while we page pushes older ones
        onto the next page: each order id is yielded once (ids only are remembered).
        """
        params = order_filter_params(statuses, date_from, date_to)
        paginator = PageNumberPaginator(page_size=min(int(limit), self.max_page_size))
        seen: set[Any] = set()
        for item in self.paginate("/v1/orders.json", params, paginator):
            order = _unwrap(item, "order")
            key = order.get("id", id(order)) if isinstance(order, dict) else id(order)
            if key in seen:
                continue
            seen.add(key)
            yield order

    def iter_orders_with_status(self, status: str, limit: int = 100) -> Iterator[dict[str, Any]]:
        """``/v1/orders/status/{status}.json`` (unwrapped), newest first, ``limit`` per page (capped at 100).

        The spec's statuses here are ``paid|pending_payment|canceled|abandoned`` (anything else is 404
        "Status Invalid.", refused before sending). Pages are only requested while the caller reads
        on, so stopping at the first order that is too old bounds the walk; ids are yielded once.
        """
        if status not in ORDER_STATUS_PATHS:
            known = ", ".join(sorted(ORDER_STATUS_PATHS))
            raise ValueError(f"unknown Jumpseller order status {status!r} (known: {known})")
        paginator = PageNumberPaginator(page_size=min(int(limit), self.max_page_size))
        seen: set[Any] = set()
        for item in self.paginate(f"/v1/orders/status/{status}.json", None, paginator):
            order = _unwrap(item, "order")
            key = order.get("id", id(order)) if isinstance(order, dict) else id(order)
            if key not in seen:
                seen.add(key)
                yield order

    def count_orders(
        self,
        *,
        statuses: Sequence[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> int:
        """How many orders match; one call to ``/orders/count.json`` when unfiltered.

        Jumpseller's count endpoint takes no filters (sending them would risk a silently
        unfiltered total), so a filtered count pages through the orders: one call per 100.
        """
        if not statuses and date_from is None and date_to is None:
            return int(self.request_json("GET", "/v1/orders/count.json")["count"])
        return sum(1 for _ in self.iter_orders(statuses=statuses, date_from=date_from, date_to=date_to))

    def get_order(self, order_id: int | str) -> dict[str, Any]:
        return _unwrap(self.request_json("GET", f"/v1/orders/{order_id}.json"), "order")

    def list_order_documents(self, order_id: int | str) -> list[dict[str, Any]]:
        """The invoice/credit-note links of an order (unwrapped); the lookup before a re-send."""
        documents = self.request_json("GET", f"/v1/orders/{order_id}/documents.json") or []
        return [_unwrap(item, "document") for item in documents]

    def create_order_document(self, order_id: int | str, document: dict[str, Any]) -> dict[str, Any]:
        """POST ``{"document": document}`` (``document_type`` 1 invoice / 0 credit note, ``public_id``, ``url``...).

        Not idempotent: a 5xx, timeout or cut connection raises ``TransientError(uncertain=True)``
        and nothing is re-sent; find the document with :meth:`list_order_documents` first.
        """
        created = self.request_json(
            "POST", f"/v1/orders/{order_id}/documents.json", json={"document": document}, idempotent=False
        )
        return _unwrap(created, "document")


    # ----------------------------------------------------------------------------------- hooks
    def iter_hooks(self) -> Iterator[dict[str, Any]]:
        """Every registered webhook (``GET /v1/hooks.json``, paged like every list), unwrapped."""
        paginator = PageNumberPaginator(page_size=self.max_page_size)
        for item in self.paginate("/v1/hooks.json", None, paginator):
            yield _unwrap(item, "hook")

    def create_hook(self, event: str, url: str) -> dict[str, Any]:
        """POST ``{"hook": {event, url}}`` (the spec's ``HookEdit``). Not idempotent: after an
        uncertain outcome, list the hooks before sending it again (the registrar does)."""
        created = self.request_json("POST", "/v1/hooks.json", json={"hook": {"event": event, "url": url}},
                                    idempotent=False)
        return _unwrap(created, "hook")

    def update_hook(self, hook_id: int | str, event: str, url: str) -> dict[str, Any]:
        """PUT ``{"hook": {event, url}}`` on one hook (a URL that moved)."""
        updated = self.request_json("PUT", f"/v1/hooks/{hook_id}.json", json={"hook": {"event": event, "url": url}})
        return _unwrap(updated, "hook")

    def delete_hook(self, hook_id: int | str) -> None:
        self.request("DELETE", f"/v1/hooks/{hook_id}.json")


def order_filter_params(statuses: Sequence[str] | None, date_from: date | None, date_to: date | None) -> dict[str, Any]:
    """``/orders.json`` filters: repeated ``status_filters[]``, ``dateFilter=customDate`` + both dates."""
    params: dict[str, Any] = {}
    if statuses:
        if isinstance(statuses, str):
            statuses = [statuses]
        unknown = sorted(set(statuses) - ORDER_STATUS_FILTERS)
        if unknown:
            raise ValueError(f"unknown Jumpseller order status filter(s) {unknown}; use {sorted(ORDER_STATUS_FILTERS)}")
        params["status_filters[]"] = list(dict.fromkeys(statuses))  # requests repeats the key per value
    if (date_from is None) != (date_to is None):
        raise ValueError("Jumpseller's customDate filter needs both date_from and date_to")
    if date_from is not None and date_to is not None:
        if date_from > date_to:
            raise ValueError(f"date_from {date_from} is after date_to {date_to}")
        # strftime, not isoformat: a datetime (a date subclass) must still send YYYY-MM-DD.
        params.update(
            dateFilter="customDate", initialDate=date_from.strftime("%Y-%m-%d"), finalDate=date_to.strftime("%Y-%m-%d")
        )
    return params


def _safe_int(value: str | None) -> int | None:
    try:
        return to_int(value)
    except ValueError:
        return None


__all__ = ["ORDER_STATUS_FILTERS", "JumpsellerHook", "order_filter_params"]
