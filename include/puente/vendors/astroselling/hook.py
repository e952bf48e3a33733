"""Astroselling (multi-channel marketplace connector) hook: ``api_token``, ``limit``/``offset`` paging.

Facts (see ../shared/vendor-apis/astroselling.md and the ``astroselling/jupiter-sdk`` README):

* Base URL ``https://nova.astroselling.com/jupiter/v1`` (staging ``nova.staging...``). A connection
  host without a path gets ``/jupiter/v1`` appended.
* Auth: the user's ``api_token`` (connection password), sent as ``Authorization: Bearer <token>``
  (documented; the ``?api_token=`` alternative is documented as insecure and would put the key in
  URLs). A bad, missing or regenerated key is 401 -> ``AuthError``.
* ``GET channels`` answers the channels (a bare array; ``{"data": [...]}`` is read too).
  Products are per channel: ``channels/{id}/products?limit=&offset=`` answers ``{"data",
  "meta_data"}``; the walk stops on a short or empty page, an empty ``meta_data`` (the SDK's
  rules) or once ``meta_data.total`` is reached. Page size 500, as the SDK.
* Stock and price are set per channel with a **partial** ``PUT channels/{id}/products/{id_in_erp}``
  (only the changed fields); 404 when the product is unknown there (the SDK then creates it).
  There is no SKU filter: :meth:`list_products` filters client-side; Puente publishes
  ``id_in_erp`` = SKU, so :meth:`get_product` is the direct lookup.

Inferred (the notes mark them so): Laravel error bodies (``{"message", "errors": {field:
[text]}}``; ``vendor_message`` is the message plus each field's texts), the rate limit (none
published: Laravel's default 60/min, overridable with ``rate_limit_per_minute``) and the whole
**orders contract** (``orders``, ``orders/{id}``, ``PUT orders/{id}/invoice``; statuses pending,
shipped, completed, cancelled, other): Astroselling publishes no orders API.

Generators and methods return Astroselling's dicts unchanged: mapping is the connector's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.pagination import Fetch
from puente.hooks.ratelimit import Budget
from puente.hooks.transport import body_of, mask, message_from_body

API_PATH = "/jupiter/v1"
ORDER_STATUSES = frozenset({"pending", "shipped", "completed", "cancelled", "other"})


@dataclass(frozen=True)
class OffsetLimitPaginator:
    """``limit``/``offset`` over ``{"data": [...], "meta_data": {...}}`` (Jupiter lists).

    Stops like the SDK (a page shorter than ``limit``, or an empty ``meta_data``) and, when
    ``meta_data.total`` is given, once that many items were read. ``max_pages`` guards against a
    server that ignores ``offset``.
    """

    page_size: int = 500
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
        limit = int(query.setdefault("limit", self.page_size))
        offset = int(query.setdefault("offset", 0))
        for _ in range(self.max_pages):
            payload = fetch(path, dict(query)) or {}
            items = list(payload.get("data") or []) if isinstance(payload, Mapping) else list(payload)
            if items:
                yield items
            meta = payload.get("meta_data") if isinstance(payload, Mapping) else None
            offset += len(items)
            total = meta.get("total") if isinstance(meta, Mapping) else None
            if len(items) < limit or not meta or (total is not None and offset >= int(total)):
                return
            query["offset"] = offset
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} pages")


def astroselling_instant(value: date | datetime | str | None) -> str | None:
    """Order date filters: ``YYYY-MM-DD`` for dates, ISO-8601 with offset for aware datetimes."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (or a date)")
        return value.isoformat()
    return value.isoformat()


def _csv(values: Iterable[Any] | None) -> str | None:
    """A list filter as one comma-separated value; ``None``/empty means "all"."""
    if values is None:
        return None
    joined = ",".join(str(v) for v in values)
    return joined or None


class AstrosellingHook(PuenteHttpHook):
    """Interact with Astroselling's Jupiter API as one user (``api_token``)."""

    conn_name_attr = "astroselling_conn_id"
    default_conn_name = "astroselling_default"
    conn_type = "astroselling"
    hook_name = "Astroselling"
    default_host = "https://nova.astroselling.com" + API_PATH
    vendor: ClassVar[str] = "astroselling"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((60, 60.0),)  # inferred: Laravel throttle:api
    page_size: ClassVar[int] = 500  # the SDK's page size
    test_connection_path: ClassVar[str] = "/channels"

    def __init__(self, astroselling_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(astroselling_conn_id, **kwargs)
        self.astroselling_conn_id = astroselling_conn_id

    # ----------------------------------------------------------------------- connection and auth
    def _set_base_url(self, connection: Any) -> None:
        super()._set_base_url(connection)
        if not urlsplit(self.base_url).path.strip("/"):
            self.base_url = self.base_url.rstrip("/") + API_PATH

    def configure_auth(self, session: Session, connection: Any) -> None:
        token = (connection.password or "").strip()
        if not token:
            raise ValueError(f"connection {self.conn_id!r}: Astroselling needs the api_token (password)")
        mask(token)
        session.headers["Authorization"] = f"Bearer {token}"

    def extract_message(self, response: Response) -> str | None:
        """Laravel's ``{"message", "errors": {field: [text]}}`` as ``"message (field: text; ...)"``."""
        body = body_of(response)
        if isinstance(body, Mapping) and isinstance(body.get("errors"), Mapping):
            details = "; ".join(
                f"{field}: {' '.join(str(t) for t in (texts if isinstance(texts, list) else [texts]))}"
                for field, texts in body["errors"].items()
            )
            return f"{body.get('message') or 'Invalid data'} ({details})" if details else body.get("message")
        return message_from_body(body, ("message", "error", "errors"))

    def _iter(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        return self.paginate(path, params, OffsetLimitPaginator(page_size=self.page_size))  # type: ignore[arg-type]

    # --------------------------------------------------------------------- channels and products
    def list_channels(self) -> list[dict[str, Any]]:
        """The user's channels (``id``, ``name``, ``sync_method``, ``type``...)."""
        body = self.request_json("GET", "/channels")
        if isinstance(body, Mapping):
            data = body.get("data") or []
            return list(data.values()) if isinstance(data, Mapping) else list(data)
        return list(body or [])

    def iter_products(self, channel_id: int | str) -> Iterator[dict[str, Any]]:
        """Every product of one channel, page by page."""
        return self._iter(f"/channels/{channel_id}/products")

    def list_products(self, channel_id: int | str, *, sku: str | None = None) -> list[dict[str, Any]]:
        """A channel's products; ``sku=`` keeps those whose SKU (or a variation's) matches.

        Jupiter has no SKU filter, so this reads the channel to the end: for one known product
        use :meth:`get_product` with its ``id_in_erp``.
        """
        products = self.iter_products(channel_id)
        if sku is None:
            return list(products)
        return [
            p for p in products if p.get("sku") == sku or any(v.get("sku") == sku for v in p.get("variations") or [])
        ]

    def get_product(self, channel_id: int | str, id_in_erp: str) -> dict[str, Any]:
        return self.request_json("GET", f"/channels/{channel_id}/products/{quote(str(id_in_erp), safe='')}")

    def update_product(
        self,
        channel_id: int | str,
        id_in_erp: str,
        *,
        stock: int | None = None,
        price: float | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Partial ``PUT``: only ``stock``/``price``/``fields`` given are sent; answers the full product.

        ``id_in_erp`` is the product's ERP id (Puente publishes it equal to the SKU). An unknown
        product raises ``NotFound``; a rejected value ``PermanentError`` with Astroselling's text.
        """
        changes = {**fields, **({"stock": stock} if stock is not None else {}),
                   **({"price": price} if price is not None else {})}  # fmt: skip
        if not changes:
            raise ValueError("update_product needs at least one field to change")
        path = f"/channels/{channel_id}/products/{quote(str(id_in_erp), safe='')}"
        return self.request_json("PUT", path, json=changes)

    def create_product(self, channel_id: int | str, product: dict[str, Any]) -> dict[str, Any]:
        """``POST channels/{id}/products``; not idempotent (a lost answer is uncertain: GET it first)."""
        return self.request_json("POST", f"/channels/{channel_id}/products", json=product)

    def delete_product(self, channel_id: int | str, id_in_erp: str) -> None:
        self.request("DELETE", f"/channels/{channel_id}/products/{quote(str(id_in_erp), safe='')}")

    # ------------------------------------------------------------- orders (inferred contract)
    def list_orders(
        self,
        *,
        created_from: date | datetime | str | None = None,
        created_to: date | datetime | str | None = None,
        statuses: Iterable[str] | None = None,
        channels: Iterable[int | str] | None = None,
        fulfillment: bool | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Orders created in ``[created_from, created_to]`` (inclusive; a bare ``created_to`` date is
        its whole day), oldest first. Empty ``statuses``/``channels`` mean all, as in the articles'
        "Canales de origen" and "Estado de las órdenes". Inferred contract: see the module doc."""
        wanted = list(statuses or [])
        unknown = sorted(set(wanted) - ORDER_STATUSES)
        if unknown:
            raise ValueError(f"unknown order status {unknown}: use {sorted(ORDER_STATUSES)}")
        params = {
            "created_from": astroselling_instant(created_from),
            "created_to": astroselling_instant(created_to),
            "status": _csv(wanted),
            "channel_id": _csv(channels),
            "fulfillment": None if fulfillment is None else str(fulfillment).lower(),
        }
        return self._iter("/orders", params)

    def get_order(self, order_id: str) -> dict[str, Any]:
        return self.request_json("GET", f"/orders/{quote(str(order_id), safe='')}")

    def mark_invoiced(
        self,
        order_id: str,
        invoice_number: str,
        *,
        invoice_url: str | None = None,
        cae: str | None = None,
        invoiced_at: datetime | str | None = None,
    ) -> dict[str, Any]:
        """``PUT orders/{id}/invoice``: attach the ERP invoice (a re-send replaces it: idempotent)."""
        body = {"invoice_number": invoice_number, "invoice_url": invoice_url, "cae": cae,
                "invoiced_at": astroselling_instant(invoiced_at)}  # fmt: skip
        path = f"/orders/{quote(str(order_id), safe='')}/invoice"
        return self.request_json("PUT", path, json={k: v for k, v in body.items() if v is not None})


__all__ = ["ORDER_STATUSES", "AstrosellingHook", "OffsetLimitPaginator", "astroselling_instant"]
