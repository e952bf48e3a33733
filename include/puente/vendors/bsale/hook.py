"""Bsale (Chile/Peru/Mexico ERP) hook: ``access_token`` header auth, ``next``-link paging.

Facts (see ../shared/vendor-apis/bsale.md): lists take ``limit`` (max 50) and ``offset`` and
answer ``{"count", "limit", "offset", "items", "next"}`` with ``next`` absent on the last page;
list-valued filters are written ``[a,b]`` (``expand=[office,variant]``, ``variantid=[12]``);
errors are ``{"error": "<message>"}``. Bsale publishes no request budget, so by default none is
enforced (see ``rate_limit_budgets``); one can be set per connection (``rate_limit_per_second`` /
``_per_minute``).
Generators yield the vendor's dicts unchanged: mapping to canonical models is the connector's job.

Documents (``POST /v1/documents.json``) are idempotent only through ``salesId``: Bsale answers a
re-send of the same type and ``salesId`` with the document it already has, so those POSTs are
retried on 5xx/timeouts/lost answers; without ``salesId`` a lost answer is ``uncertain``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.pagination import NextLinkPaginator
from puente.hooks.ratelimit import Budget
from puente.hooks.transport import body_of, message_from_body

COUNTRY_HOSTS = {
    "CL": "https://api.bsale.io",
    "PE": "https://api.bsale.com.pe",
    "MX": "https://api.bsale.com.mx",
}


def bsale_params(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Bsale query syntax: lists/tuples/sets become ``[a,b]``, booleans 0/1, ``None`` is dropped."""
    params: dict[str, Any] = {}
    for name, value in (filters or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            value = "[" + ",".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            value = int(value)
        params[name] = value
    return params


class BsaleHook(PuenteHttpHook):
    """Interact with the Bsale REST API (``/v1/...json``) using an access token."""

    conn_name_attr = "bsale_conn_id"
    default_conn_name = "bsale_default"
    conn_type = "bsale"
    hook_name = "Bsale"
    default_host = "https://api.bsale.io"
    vendor: ClassVar[str] = "bsale"

    page_size: ClassVar[int] = 50  # Bsale's maximum
    # Bsale publishes no number (its FAQ blames "the rate limit of our API" for some 500s), so any
    # default would be a guess, and a guess costs real time: the earlier 10/s made a 20k-SKU catalog
    # read (1185 pages) take about 2 minutes, most of it waiting on our own limiter. No budget by
    # default: the limiter still pauses every user of the token after a 429 (``Retry-After``), reads
    # are retried with backoff on Bsale's rate-limit 500, and our callers bound their concurrency
    # (a catalog read uses at most 3 connections). A connection sets a budget with the extras
    # ``rate_limit_per_second`` / ``rate_limit_per_minute`` if an account ever needs one.
    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ()
    test_connection_path: ClassVar[str] = "/v1/offices.json"
    test_connection_params: ClassVar[Mapping[str, Any]] = {"limit": 1}

    def __init__(self, bsale_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(bsale_conn_id, **kwargs)
        self.bsale_conn_id = bsale_conn_id

    def sibling(self) -> BsaleHook:
        """A new hook on the same connection and the same limiter, for use in another thread.

        ``requests.Session`` is not documented as thread-safe, so concurrent reads get one session
        per thread; sharing the limiter keeps the account's budget (and any 429 pause) common.
        """
        return type(self)(self.bsale_conn_id, limiter=self.limiter)

    def host_default(self) -> str:
        """No host on the connection: pick Bsale's API host from the ``country`` extra (default CL)."""
        country = str(self.extra_field("country") or "CL").upper()
        if country not in COUNTRY_HOSTS:
            raise ValueError(f"connection {self.conn_id!r}: unknown Bsale country {country!r}")
        return COUNTRY_HOSTS[country]

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.password:
            raise ValueError(f"connection {self.conn_id!r}: the Bsale access token (password) is empty")
        session.headers["access_token"] = connection.password

    def extract_message(self, response: Response) -> str | None:
        return message_from_body(body_of(response), ("error", "message", "errors"))

    # ----------------------------------------------------------------------------- raw verbs
    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request_json("GET", path, params=bsale_params(params))

    def post(self, path: str, json: Any, *, idempotent: bool = False) -> Any:
        """POST; pass ``idempotent=True`` only when the body carries an idempotency key (``salesId``)."""
        return self.request_json("POST", path, json=json, idempotent=idempotent)

    def put(self, path: str, json: Any) -> Any:
        return self.request_json("PUT", path, json=json)

    # ------------------------------------------------------------------------------- listings
    def iter_items(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a Bsale list endpoint, following ``next`` (``limit=50``)."""
        paginator = NextLinkPaginator(page_size=self.page_size)
        return self.paginate(path, bsale_params(params), paginator)

    def iter_variants(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """``/v1/variants.json``; filters e.g. ``code=``, ``state=0``, ``expand=["product"]``."""
        return self.iter_items("/v1/variants.json", filters)

    def iter_stocks(self, office_id: int | str | None, **filters: Any) -> Iterator[dict[str, Any]]:
        """``/v1/stocks.json`` of one office (``None``: every office); ``expand=["variant"]`` works."""
        return self.iter_items("/v1/stocks.json", {"officeid": office_id, **filters})

    def iter_price_list_details(self, price_list_id: int | str, **filters: Any) -> Iterator[dict[str, Any]]:
        """``/v1/price_lists/{id}/details.json``: ``variantValue`` is net, ``variantValueWithTaxes`` gross."""
        return self.iter_items(f"/v1/price_lists/{price_list_id}/details.json", filters)

    def list_offices(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self.iter_items("/v1/offices.json", filters))

    def get_office(self, office_id: int | str) -> dict[str, Any]:
        return self.get(f"/v1/offices/{office_id}.json")

    def list_price_lists(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self.iter_items("/v1/price_lists.json", filters))

    def get_price_list(self, price_list_id: int | str) -> dict[str, Any]:
        return self.get(f"/v1/price_lists/{price_list_id}.json")

    # ------------------------------------------------------------------------------ documents
    def create_document(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``/v1/documents.json``; returns the created (or, on a ``salesId`` re-send, existing) document.

        With a non-empty ``salesId`` the POST is retried like a GET (Bsale deduplicates it); without
        one, a 5xx/timeout/cut answer raises ``TransientError(uncertain=True)`` and is not re-sent.
        Business refusals (stock, serials, client data, folios) are ``PermanentError`` with Bsale's
        ``error`` text verbatim in ``vendor_message``.
        """
        return self.post("/v1/documents.json", payload, idempotent=has_sales_id(payload))

    def get_document(self, document_id: int | str, **params: Any) -> dict[str, Any]:
        """``/v1/documents/{id}.json``; e.g. ``expand=["details", "payments"]``."""
        return self.get(f"/v1/documents/{document_id}.json", params)

    def iter_documents(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """``/v1/documents.json``; filters e.g. ``codesii=39``, ``emissiondaterange=[from, to]``, ``number=``."""
        return self.iter_items("/v1/documents.json", filters)

    def list_document_types(self, **filters: Any) -> list[dict[str, Any]]:
        """``/v1/document_types.json`` (``codeSii`` is a string there; filter e.g. ``codesii=33``)."""
        return list(self.iter_items("/v1/document_types.json", filters))


def has_sales_id(payload: Mapping[str, Any]) -> bool:
    """True when the payload carries a usable ``salesId`` (Bsale's only idempotency key)."""
    sales_id = payload.get("salesId")
    return sales_id is not None and str(sales_id).strip() != ""


__all__ = ["COUNTRY_HOSTS", "BsaleHook", "bsale_params", "has_sales_id"]
