"""Siigo Nube (Colombia, ERP + DIAN e-invoicing) hook: ``/auth`` token, ``Partner-Id``, page links.

Facts (see ../shared/vendor-apis/siigo.md and Siigo's API Blueprint):

* ``POST /auth`` with ``{"username", "access_key"}`` answers ``access_token`` valid 24 h
  (``expires_in: 86400``). Every call then sends ``Authorization: Bearer <token>`` and the
  ``Partner-Id`` header (the integrating app's name, 3-100 alphanumerics; required on ``/auth``
  too). Tokens are cached per connection for the process (every hook on the same account reuses
  one) until a minute before they expire; a 401 drops the token, authenticates once more and
  re-sends the request once; a second 401 is an ``AuthError``.
* Lists take ``page``/``page_size`` (100 max) and answer ``{"pagination", "results", "_links"}``;
  the walk follows ``_links.next.href`` (path and query only, re-based on our host). Catalogs
  (users, taxes, ...) are documented as bare arrays; both shapes are read.
* 100 requests/min per company (10 for Siigo's test company: set ``rate_limit_per_minute``).
* Errors are ``{"Status", "Errors": [{"Code", "Message", "Params", "Detail"}]}``; the typed
  error's ``vendor_message`` is ``"<Code>: <Message>"`` per error, joined by ``"; "``.
* ``POST /v1/invoices`` is idempotent with an ``Idempotency-Key`` header (alphanumeric, <= 30):
  Siigo answers a re-send with the invoice it already made, so with a key the POST is retried on
  5xx/timeouts/lost answers like a GET; without one a lost answer is ``TransientError(uncertain)``.
  Document creation can take long: the read timeout is 120 s, as Siigo recommends.

Generators and methods return Siigo's dicts unchanged: mapping is the connector's job.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.ratelimit import Budget
from puente.hooks.token_auth import TokenAuthHook, TokenCache
from puente.hooks.transport import body_of

PARTNER_ID = re.compile(r"^[A-Za-z0-9]{3,100}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9]{1,30}$")
AUTH_PATH = "/auth"

Fetch = Callable[[str, dict[str, Any]], Any]


# (base URL, username, partner id) -> token. Process-wide: Airflow runs many hooks per account.
_TOKENS = TokenCache()


def siigo_errors(body: Any) -> list[dict[str, Any]]:
    """The error entries of a Siigo body, PascalCase (API) or lowercase (batch results)."""
    if not isinstance(body, Mapping):
        return []
    entries = body.get("Errors") or body.get("errors") or []
    if isinstance(body.get("error"), Mapping):  # batch: {"error": {"status", "errors": [...]}}
        entries = body["error"].get("errors") or []
    return [
        {key.capitalize(): value for key, value in entry.items()} for entry in entries if isinstance(entry, Mapping)
    ]


def siigo_error_codes(error: Any) -> list[str]:
    """``["invalid_total_payments", ...]`` from a typed error (or a body), for callers' decisions."""
    return [str(e.get("Code")) for e in siigo_errors(getattr(error, "body", error)) if e.get("Code")]


def idempotency_key(*parts: object) -> str:
    """A Siigo-valid ``Idempotency-Key`` (30 hex characters) derived from our own references.

    Siigo accepts only alphanumerics, at most 30: a hash of e.g. ``(tenant, order id)`` gives the
    same key on every retry and run, which is what makes re-sending an invoice safe.
    """
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:30]


def siigo_date(value: date | datetime | str | None) -> str | None:
    """Filter values: ``yyyy-MM-dd`` for dates, ``yyyy-MM-ddTHH:mm:ssZ`` (UTC) for datetimes."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Siigo filters are UTC, pass an aware datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class SiigoPaginator:
    """``page``/``page_size`` paging that follows ``_links.next.href`` until it is absent."""

    page_size: int = 100
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = {**(params or {}), "page": 1, "page_size": self.page_size}
        for _ in range(self.max_pages):
            payload = fetch(path, dict(query))
            if isinstance(payload, list):  # a catalog documented as a bare array
                if payload:
                    yield payload
                return
            results = list((payload or {}).get("results") or [])
            if results:
                yield results
            link = (((payload or {}).get("_links") or {}).get("next") or {}).get("href")
            if not link or not results:
                return
            parts = urlsplit(link)
            path = parts.path or path
            next_query = {**query, **dict(parse_qsl(parts.query, keep_blank_values=True))}
            if next_query == query:
                raise RuntimeError(f"pagination loop: {path} links to the page it is on")
            query = next_query
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} pages")


class SiigoHook(TokenAuthHook):
    """Interact with the Siigo Nube API (``https://api.siigo.com``) as one company's API user."""

    conn_name_attr = "siigo_conn_id"
    default_conn_name = "siigo_default"
    conn_type = "siigo"
    hook_name = "Siigo"
    default_host = "https://api.siigo.com"
    vendor: ClassVar[str] = "siigo"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((100, 60.0),)  # "100 peticiones por minuto"
    default_timeout: ClassVar[float | tuple[float, float]] = (10.0, 120.0)
    max_page_size: ClassVar[int] = 100
    token_path: ClassVar[str] = AUTH_PATH
    token_cache: ClassVar[TokenCache] = _TOKENS
    test_connection_path: ClassVar[str] = "/v1/document-types"
    test_connection_params: ClassVar[Mapping[str, Any]] = {"type": "FV"}

    def __init__(self, siigo_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(siigo_conn_id, **kwargs)
        self.siigo_conn_id = siigo_conn_id

    def sibling(self) -> SiigoHook:
        """A new hook on the same connection and limiter (and, process-wide, the same token)."""
        return type(self)(self.siigo_conn_id, limiter=self.limiter)

    # ------------------------------------------------------------------------------- auth
    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.login or not connection.password:
            raise ValueError(f"connection {self.conn_id!r}: Siigo needs the API user (login) and access key (password)")
        partner = str(self.extra_field("partner_id") or "")
        if not PARTNER_ID.match(partner):
            raise ValueError(
                f"connection {self.conn_id!r}: extra 'partner_id' (Siigo's Partner-Id header) must be "
                "3-100 letters or digits, without spaces"
            )
        session.headers["Partner-Id"] = partner

    def _token_key(self) -> tuple[str, str, str]:
        self.get_conn()
        return (self.base_url, self.connection.login or "", self._session.headers["Partner-Id"])  # type: ignore[union-attr]

    def fetch_token(self) -> tuple[str, float]:
        """A new token from ``POST /auth`` (24 h)."""
        body = PuenteHttpHook.request_json(
            self,
            "POST",
            AUTH_PATH,
            json={"username": self.connection.login, "access_key": self.connection.password},
            idempotent=True,  # asking for a token twice creates nothing
        )
        return str(body["access_token"]), float(body.get("expires_in") or 86400)

    def extract_message(self, response: Response) -> str | None:
        errors = siigo_errors(body_of(response))
        if errors:
            return "; ".join(
                f"{e['Code']}: {e.get('Message', '')}" if e.get("Code") else str(e.get("Message", "")) for e in errors
            )
        return super().extract_message(response)

    # ------------------------------------------------------------------------------ listings
    def iter_results(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a Siigo list (paged envelope or bare array), ``page_size=100``."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return self.paginate(path, clean, SiigoPaginator(page_size=self.max_page_size))  # type: ignore[arg-type]

    def list_invoices(
        self,
        *,
        date_start: date | str | None = None,
        date_end: date | str | None = None,
        created_start: date | datetime | str | None = None,
        created_end: date | datetime | str | None = None,
        updated_start: date | datetime | str | None = None,
        updated_end: date | datetime | str | None = None,
        **filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """``/v1/invoices`` to the last page. ``date_*`` is the invoice date (inclusive), ``created_*``
        / ``updated_*`` its creation / last edit; also ``name``, ``customer_identification``,
        ``customer_branch_office``, ``document_id``. Siigo has no invoice webhooks: poll this."""
        params = {
            "date_start": siigo_date(date_start),
            "date_end": siigo_date(date_end),
            "created_start": siigo_date(created_start),
            "created_end": siigo_date(created_end),
            "updated_start": siigo_date(updated_start),
            "updated_end": siigo_date(updated_end),
            **filters,
        }
        return self.iter_results("/v1/invoices", params)

    def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.request_json("GET", f"/v1/invoices/{invoice_id}")

    def create_invoice(self, payload: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
        """POST ``/v1/invoices``; with a key, a re-send returns the invoice Siigo already made.

        Business refusals (``invalid_total_payments``, ``invalid_date``, ``invalid_reference``...)
        are ``PermanentError`` with Siigo's code and message in ``vendor_message``.
        """
        headers: dict[str, str] = {}
        if idempotency_key is not None:
            if not IDEMPOTENCY_KEY.match(idempotency_key):
                raise ValueError(
                    f"Siigo Idempotency-Key must be 1-30 letters or digits, got {idempotency_key!r} "
                    "(use puente.vendors.siigo.hook.idempotency_key(...))"
                )
            headers["Idempotency-Key"] = idempotency_key
        return self.request_json(
            "POST", "/v1/invoices", json=payload, headers=headers, idempotent=idempotency_key is not None
        )

    def find_customer(self, identification: str, branch_office: int | None = 0) -> dict[str, Any] | None:
        """The customer with this ID number (and branch office; ``None``: any), or None."""
        params = {"identification": identification, "branch_office": branch_office}
        return next(iter(self.iter_results("/v1/customers", params)), None)

    def create_customer(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``/v1/customers`` (no idempotency key: a lost answer is ``uncertain``; find it first)."""
        return self.request_json("POST", "/v1/customers", json=payload, idempotent=False)

    def list_products(self, *, code: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """``/v1/products`` (newest first); ``code=`` is the SKU lookup."""
        return list(self.iter_results("/v1/products", {"code": code, **filters}))

    def get_product(self, product_id: str) -> dict[str, Any]:
        return self.request_json("GET", f"/v1/products/{product_id}")

    # ----------------------------------------------------------------------------- catalogs
    def list_users(self) -> list[dict[str, Any]]:
        """Sellers: an invoice's ``seller`` is one of these ``id``s."""
        return list(self.iter_results("/v1/users"))

    def list_document_types(self, document_type: str = "FV") -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/document-types", {"type": document_type}))

    def list_payment_types(self, document_type: str = "FV") -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/payment-types", {"document_type": document_type}))

    def list_cost_centers(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/cost-centers"))

    def list_taxes(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/taxes"))

    def list_warehouses(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/warehouses"))

    def list_price_lists(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/price-lists"))

    # ----------------------------------------------------------------------------- webhooks
    # Blueprint "Group Webhooks": one subscription per topic; topics public.siigoapi.products.create,
    # .products.update, .products.stock.update. ``application_id`` is the app's name (Puente sends the
    # connection's Partner-Id). See puente.vendors.siigo.webhook_registrar.
    def list_webhooks(self) -> list[dict[str, Any]]:
        return list(self.iter_results("/v1/webhooks"))

    def create_webhook(self, application_id: str, topic: str, url: str) -> dict[str, Any]:
        """POST ``/v1/webhooks`` (no idempotency key: a lost answer may have subscribed; list first)."""
        body = {"application_id": application_id, "topic": topic, "url": url}
        return self.request_json("POST", "/v1/webhooks", json=body, idempotent=False)

    def update_webhook(self, webhook_id: str, application_id: str, topic: str, url: str,
                       active: bool = True) -> dict[str, Any]:
        """PUT ``/v1/webhooks`` (the Blueprint puts no id in the path; it is sent in the body: inferred)."""
        body = {"id": webhook_id, "application_id": application_id, "topic": topic, "url": url, "active": active}
        return self.request_json("PUT", "/v1/webhooks", json=body, idempotent=True)

    def delete_webhook(self, webhook_id: str) -> dict[str, Any]:
        return self.request_json("DELETE", f"/v1/webhooks/{webhook_id}", idempotent=True)


def clear_token_cache() -> None:
    """Forget every cached token (tests; a rotated access key)."""
    _TOKENS.clear()


__all__ = [
    "SiigoHook",
    "SiigoPaginator",
    "clear_token_cache",
    "idempotency_key",
    "siigo_date",
    "siigo_error_codes",
    "siigo_errors",
]
