"""Mercado Libre hook (orders side): OAuth refresh-token auth, ``offset``/``limit`` paging.

Facts (see ../shared/vendor-apis/mercadolibre.md and developers.mercadolibre.com):

* Base URL ``https://api.mercadolibre.com``. The connection holds what an integration keeps
  after the seller's consent: **login = Client ID**, **password = Client Secret**, extra
  ``refresh_token`` (and optionally ``seller_id``). Calls send ``Authorization: Bearer
  <access_token>``; the access token comes from ``POST /oauth/token`` with
  ``grant_type=refresh_token`` in an ``application/x-www-form-urlencoded`` body (documented best
  practice: never in the query string).
* Access tokens last 6 hours (``expires_in: 21600``). Refresh tokens are **single use**: every
  refresh answers a new one and the old one stops working (``invalid_grant``). The current pair is
  cached process-wide per (host, Client ID, connection refresh token), renewed 5 minutes before
  expiry and once on a 401; refreshes are serialised per account so two threads never spend the
  same refresh token. Each rotated refresh token is masked and handed to ``token_saver`` (when
  given). Across processes a new one starting from the connection's (spent) refresh token gets
  ``invalid_grant`` -> ``AuthError``, so flows pass a ``token_vault``
  (:class:`puente.state.oauth_tokens.OAuthTokenVault`): refreshes then run inside its locked
  rotation, which hands out the latest refresh token and shares the live access token between the
  account's task processes (a task cannot write its Airflow connection back; see that module).
* A refresh is a non-idempotent POST: a lost answer may have consumed the refresh token, so it
  is never re-sent blindly (``TransientError(uncertain=True)``); 429s are still waited out.
* ``GET /orders/search?seller=&order.status=&order.date_created.from=&...to=&sort=&offset=&limit=``
  answers ``{"results", "paging": {"total", "offset", "limit"}}``; the walk asks ``limit=50``
  (max 51 per the notes), advances by what it received and stops at ``paging.total``. Date filters
  have hour granularity (integrator notes), so the hook also filters results to the exact,
  half-open window ``[from, to)`` it was asked for. (inferred) ``order.status`` takes one value: a
  list of statuses is one search per status. ``sort=date_asc`` (default) keeps a walk stable while
  new orders arrive. Mercado Libre serves 12 months of history; offsets past 10 000 are refused
  (clients stop near 9 950): narrow the date range.
* Rate limit: no public figure (per Client ID and endpoint); 429 is waited out with exponential
  backoff and jitter, as documented (no ``Retry-After`` is documented; honoured if sent). The
  client-side budget, 1500/min, is (inferred); override with ``rate_limit_per_minute``.
* Errors are ``{"message", "error", "status", "cause": [...]}``; ``vendor_message`` is the
  message plus each cause's message, joined by ``"; "``; :func:`meli_error_code` gives ``error``.

Methods return Mercado Libre's dicts unchanged: mapping is the connector's job.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol
from urllib.parse import urlencode, urlsplit

from requests import Response, Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.errors import AuthError, PermanentError
from puente.hooks.pagination import Fetch
from puente.hooks.ratelimit import Budget
from puente.hooks.token_auth import secret_digest
from puente.hooks.transport import body_of, mask

TOKEN_PATH = "/oauth/token"
TOKEN_RENEW_MARGIN_S = 300.0
FULFILLMENT = "fulfillment"
MAX_OFFSET = 10_000


@dataclass
class TokenState:
    """The account's current pair; ``access_token`` None means "refresh before the next call"."""

    refresh_token: str
    access_token: str | None = None
    expires_at: float = 0.0  # time.monotonic()
    rejected: str | None = None  # the access token the API last refused (401): never handed out again


class TokenVault(Protocol):
    """Where rotated tokens outlive the process (``puente.state.oauth_tokens.OAuthTokenVault``): the
    rotation yields a slot with ``refresh_token``, ``access_token``, ``access_expires_at``, ``save()``."""

    def rotation(self, conn_id: str, connection_refresh_token: str) -> AbstractContextManager[Any]: ...


_TOKENS: dict[tuple[str, str, str], TokenState] = {}
_LOCKS: dict[tuple[str, str, str], threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


def _lock_for(key: tuple[str, str, str]) -> threading.Lock:
    with _REGISTRY_LOCK:
        return _LOCKS.setdefault(key, threading.Lock())


def clear_token_cache() -> None:
    """Forget every cached token pair (tests; a re-authorised seller)."""
    with _REGISTRY_LOCK:
        _TOKENS.clear()


def meli_error_code(error: Any) -> str | None:
    """``"invalid_grant"``, ``"not_found"``... from a typed error (or a body)."""
    body = getattr(error, "body", error)
    return str(body["error"]) if isinstance(body, Mapping) and body.get("error") else None


def meli_instant(value: datetime | str | None) -> str | None:
    """``2026-07-01T00:00:00.000-03:00`` (Mercado Libre's format); strings pass through."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware datetime (Mercado Libre filters need an offset)")
    return value.isoformat(timespec="milliseconds")


def logistic_type(shipment: Mapping[str, Any]) -> str | None:
    """The shipment's ``logistic_type`` (top level, or ``logistic.type`` in the new format)."""
    return shipment.get("logistic_type") or (shipment.get("logistic") or {}).get("type")


def item_sku(order_item: Mapping[str, Any]) -> str | None:
    """``item.seller_sku`` (newer), falling back to ``item.seller_custom_field`` (older listings)."""
    item = order_item.get("item") or {}
    return item.get("seller_sku") or item.get("seller_custom_field") or None


@dataclass(frozen=True)
class MeliOffsetPaginator:
    """``offset``/``limit`` over ``{"results", "paging": {"total", "offset", "limit"}}``."""

    page_size: int = 50
    max_offset: int = MAX_OFFSET

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
        query.setdefault("limit", self.page_size)
        offset = int(query.setdefault("offset", 0))
        while True:
            payload = fetch(path, dict(query)) or {}
            results = list(payload.get("results") or [])
            if results:
                yield results
            offset += len(results)
            total = int((payload.get("paging") or {}).get("total") or 0)
            if not results or offset >= total:
                return
            if offset > self.max_offset:
                raise RuntimeError(
                    f"{path}: {total} results but Mercado Libre pages only to offset {self.max_offset}; "
                    "narrow the date range"
                )
            query["offset"] = offset


class MercadoLibreHook(PuenteHttpHook):
    """Read a seller's orders, shipments and billing info from the Mercado Libre API."""

    conn_name_attr = "mercadolibre_conn_id"
    default_conn_name = "mercadolibre_default"
    conn_type = "mercadolibre"
    hook_name = "Mercado Libre"
    default_host = "https://api.mercadolibre.com"
    vendor: ClassVar[str] = "mercadolibre"

    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((1500, 60.0),)  # (inferred) no public figure
    page_size: ClassVar[int] = 50
    test_connection_path: ClassVar[str] = "/users/me"

    def __init__(
        self,
        mercadolibre_conn_id: str = default_conn_name,
        *,
        token_saver: Callable[[str], None] | None = None,
        token_vault: TokenVault | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(mercadolibre_conn_id, **kwargs)
        self.mercadolibre_conn_id = mercadolibre_conn_id
        self.token_saver = token_saver
        self.token_vault = token_vault
        self.token_requests = 0
        self._seller_id: int | None = None

    # ------------------------------------------------------------------------------- auth
    def configure_auth(self, session: Session, connection: Any) -> None:
        """No session auth: the bearer token is added per request (it changes every 6 h)."""
        if not connection.login or not connection.password or not self.extra_field("refresh_token"):
            raise ValueError(
                f"connection {self.conn_id!r}: Mercado Libre needs the Client ID (login), the Client Secret "
                "(password) and the seller's refresh token (extra 'refresh_token')"
            )

    def _token_key(self) -> tuple[str, str, str]:
        self.get_conn()
        initial = secret_digest(str(self.extra_field("refresh_token")))
        return (self.base_url, self.connection.login or "", initial, secret_digest(self.connection.password))

    def access_token(self) -> str:
        """The cached access token for this account, refreshed (and rotated) when missing or expiring."""
        key = self._token_key()
        with _lock_for(key):
            state = _TOKENS.get(key)
            if state is not None and state.access_token and time.monotonic() < state.expires_at:
                return state.access_token
            if self.token_vault is not None:
                access, refresh, rotated, lifetime = self._from_vault(state.rejected if state is not None else None)
                _TOKENS[key] = TokenState(rotated, access, time.monotonic() + max(lifetime - TOKEN_RENEW_MARGIN_S, 1.0))
                if rotated != refresh and self.token_saver is not None:
                    self.token_saver(rotated)
                return access
            refresh = state.refresh_token if state is not None else str(self.extra_field("refresh_token"))
            body = self._refresh(refresh)
            access, rotated = str(body["access_token"]), str(body.get("refresh_token") or refresh)
            mask(access)
            mask(rotated)
            lifetime = float(body.get("expires_in") or 21600)
            _TOKENS[key] = TokenState(rotated, access, time.monotonic() + max(lifetime - TOKEN_RENEW_MARGIN_S, 1.0))
        if rotated != refresh and self.token_saver is not None:
            self.token_saver(rotated)
        return access

    def _from_vault(self, rejected: str | None) -> tuple[str, str, str, float]:
        """(access, refresh used, refresh now, seconds left) from the vault's locked rotation: its live
        access token when another process already refreshed, else one refresh saved before unlocking."""
        assert self.token_vault is not None
        with self.token_vault.rotation(self.conn_id, str(self.extra_field("refresh_token"))) as slot:
            refresh = slot.refresh_token
            mask(refresh)
            now = datetime.now(UTC)
            expires = slot.access_expires_at
            if slot.access_token and slot.access_token != rejected and expires is not None:
                left = (expires - now).total_seconds()
                if left > TOKEN_RENEW_MARGIN_S:
                    mask(slot.access_token)
                    return slot.access_token, refresh, refresh, left
            try:
                body = self._refresh(refresh)
            except AuthError:
                # The stored chain was refused (the app was re-authorised elsewhere, or a sandbox
                # restarted): the connection's own token is the one other token that may still be live.
                initial = str(self.extra_field("refresh_token"))
                if refresh == initial:
                    raise
                self.log.warning("Mercado Libre refused the stored refresh token; trying the connection's")
                refresh = initial
                body = self._refresh(refresh)
            access, rotated = str(body["access_token"]), str(body.get("refresh_token") or refresh)
            mask(access)
            mask(rotated)
            lifetime = float(body.get("expires_in") or 21600)
            slot.save(rotated, access, now + timedelta(seconds=lifetime))
        return access, refresh, rotated, lifetime

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        form = {"grant_type": "refresh_token", "client_id": self.connection.login,
                "client_secret": self.connection.password, "refresh_token": refresh_token}  # fmt: skip
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = super().request("POST", TOKEN_PATH, data=urlencode(form).encode(), headers=headers)
        except AuthError:
            raise
        except PermanentError as exc:  # 400 invalid_grant / invalid_client: credentials, not the request
            raise AuthError(status=exc.status, vendor_message=exc.vendor_message, body=exc.body,
                            vendor=exc.vendor, method=exc.method, path=exc.path) from None  # fmt: skip
        self.token_requests += 1
        return dict(response.json())

    def forget_token(self, token: str) -> None:
        """Drop the access token (only if it is still ``token``); the refresh token is kept."""
        key = self._token_key()
        with _lock_for(key):
            state = _TOKENS.get(key)
            if state is not None and state.access_token == token:
                state.access_token = None
                state.rejected = token

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        """Base transport plus the bearer token: sent on every call, refreshed once on a 401."""
        if urlsplit(path).path.rstrip("/") == TOKEN_PATH:
            return super().request(method, path, **kwargs)
        base_headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (1, 2):
            token = self.access_token()
            try:
                return super().request(
                    method, path, headers={**base_headers, "Authorization": f"Bearer {token}"}, **kwargs
                )
            except AuthError as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                self.log.info("Mercado Libre answered 401 on %s %s: refreshing the access token once", method, path)
                self.forget_token(token)
        raise AssertionError("unreachable")  # pragma: no cover

    def extract_message(self, response: Response) -> str | None:
        body = body_of(response)
        if isinstance(body, Mapping):
            head = body.get("message") or body.get("error_description") or body.get("error")
            causes = [str(c["message"]) for c in body.get("cause") or [] if isinstance(c, Mapping) and c.get("message")]
            parts = [str(head)] if head else []
            parts += [c for c in causes if c not in parts]
            if parts:
                return "; ".join(parts)
        return super().extract_message(response)

    # ------------------------------------------------------------------------------ reads
    def me(self) -> dict[str, Any]:
        """``GET /users/me``: the seller behind the token (``id`` is the seller id)."""
        return self.request_json("GET", "/users/me")

    @property
    def seller_id(self) -> int:
        """Extra ``seller_id`` when set, else ``me()["id"]`` (asked once per hook)."""
        if self._seller_id is None:
            configured = self.extra_field("seller_id")
            self._seller_id = int(configured) if configured else int(self.me()["id"])
        return self._seller_id

    def search_orders(
        self,
        seller_id: int | str | None = None,
        *,
        created_from: datetime | str | None = None,
        created_to: datetime | str | None = None,
        updated_from: datetime | str | None = None,
        updated_to: datetime | str | None = None,
        statuses: Iterable[str] | None = None,
        sort: str = "date_asc",
    ) -> Iterator[dict[str, Any]]:
        """Every order of the seller in ``[from, to)`` (created and/or last updated), each once.

        ``statuses`` None/empty means all statuses. Bounds given as datetimes are enforced exactly
        on the results (the server cuts filters to the hour); string bounds are passed as given.
        """
        seller = seller_id if seller_id is not None else self.seller_id
        base = {
            "seller": seller,
            "sort": sort,
            "order.date_created.from": meli_instant(created_from),
            "order.date_created.to": meli_instant(created_to),
            "order.date_last_updated.from": meli_instant(updated_from),
            "order.date_last_updated.to": meli_instant(updated_to),
        }
        bounds = [("date_created", created_from, created_to), ("last_updated", updated_from, updated_to)]
        seen: set[Any] = set()
        paginator = MeliOffsetPaginator(self.page_size)
        for status in list(statuses or []) or [None]:
            params = {**base, "order.status": status}
            for order in self.paginate("/orders/search", params, paginator):  # type: ignore[arg-type]
                if order.get("id") in seen or not _within(order, bounds):
                    continue
                seen.add(order.get("id"))
                yield order

    def get_order(self, order_id: int | str) -> dict[str, Any]:
        return self.request_json("GET", f"/orders/{order_id}")

    def get_shipment(self, shipment_id: int | str) -> dict[str, Any]:
        """``GET /shipments/{id}`` in the new format (``x-format-new: true``); see :func:`logistic_type`."""
        return self.request_json("GET", f"/shipments/{shipment_id}", headers={"x-format-new": "true"})

    def is_fulfillment(self, order: Mapping[str, Any]) -> bool:
        """True when the order ships from Mercado Libre's warehouse (Full): one shipment lookup."""
        shipment_id = (order.get("shipping") or {}).get("id")
        return bool(shipment_id) and logistic_type(self.get_shipment(shipment_id)) == FULFILLMENT

    def get_billing_info(self, order_id: int | str) -> dict[str, Any]:
        """The buyer's tax data, v2 shape (``x-version: 2``): ``buyer.billing_info.identification``."""
        return self.request_json("GET", f"/orders/{order_id}/billing_info", headers={"x-version": "2"})

    def get_billing_info_by_id(self, site_id: str, billing_info_id: str) -> dict[str, Any]:
        """The newer resource: ``/orders/billing-info/{site_id}/{order.buyer.billing_info.id}``."""
        return self.request_json("GET", f"/orders/billing-info/{site_id}/{billing_info_id}")


def _within(order: Mapping[str, Any], bounds: list[tuple[str, Any, Any]]) -> bool:
    for key, low, high in bounds:
        if not isinstance(low, datetime) and not isinstance(high, datetime):
            continue
        when = datetime.fromisoformat(str(order[key]).replace("Z", "+00:00"))
        if (isinstance(low, datetime) and when < low) or (isinstance(high, datetime) and when >= high):
            return False
    return True


__all__ = [
    "FULFILLMENT",
    "MeliOffsetPaginator",
    "MercadoLibreHook",
    "TokenVault",
    "clear_token_cache",
    "item_sku",
    "logistic_type",
    "meli_error_code",
    "meli_instant",
]
