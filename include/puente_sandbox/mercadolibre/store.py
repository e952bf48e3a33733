"""In-memory Mercado Libre app + seller: OAuth tokens (6 h, single-use refresh), orders, shipments.

Token rules (../shared/vendor-apis/mercadolibre.md §1): an access token lasts 6 hours
(``expires_in: 21600``); each refresh answers a **new** refresh token and the old one stops
working at once (reusing it is ``invalid_grant``). ``initial_refresh_token`` is what the seller's
consent gave the integration (the connection holds it); ``/_sandbox/authorize`` mints an
authorization code for a fresh consent. Expiry is computed from ``now`` (injectable) and can be
forced from ``/_sandbox``.

Orders are searchable for 12 months back from ``now`` (integrator notes; ``history_days``), with
hour granularity on date filters (minutes and seconds are dropped; both ends inclusive, inferred).
Not thread-safe: the app's event loop is its only user.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from puente_sandbox.common.tokens import TokenBook
from puente_sandbox.mercadolibre.seed import MercadoLibreSeed, generate_mercadolibre_data, meli_timestamp

TOKEN_TTL_S = 21600  # "el access token dura 6 horas"
HISTORY_DAYS = 365  # "order history covers only 12 months"
SCOPE = "offline_access read write"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def parse_instant(value: str) -> datetime:
    """ISO-8601 with offset (``2026-07-01T00:00:00.000-03:00``); naive values are read as UTC (inferred)."""
    when = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "+"))
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def to_hour(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


class MercadoLibreStore:
    """One application (``client_id``/``client_secret``) authorised by one seller."""

    def __init__(
        self,
        data: MercadoLibreSeed | None = None,
        *,
        client_id: str,
        client_secret: str,
        initial_refresh_token: str,
        redirect_uri: str = "https://puente.example/oauth/mercadolibre",
        now: Callable[[], datetime] = _utcnow,
        token_ttl_s: int = TOKEN_TTL_S,
        history_days: int | None = HISTORY_DAYS,
    ) -> None:
        data = data or generate_mercadolibre_data()
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.now, self.token_ttl_s, self.history_days = now, token_ttl_s, history_days
        self.seller: dict[str, Any] = dict(data.seller)
        self.orders: dict[int, dict[str, Any]] = {o["id"]: copy.deepcopy(o) for o in data.orders}
        self.shipments: dict[int, dict[str, Any]] = copy.deepcopy(data.shipments)
        self.billing: dict[int, dict[str, Any]] = copy.deepcopy(data.billing)
        self.access_tokens = TokenBook(now, token_ttl_s)
        self.refresh_tokens: dict[str, bool] = {initial_refresh_token: True}  # token -> still usable
        self.codes: set[str] = set()
        self.refreshes = 0
        # (kind, order) on every order created or changed: the notifications (``notifications``)
        self.order_listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self.notifier: Any = None  # the application's MercadoLibreNotifier, set by create_app

    # tokens ------------------------------------------------------------------------------------
    def _token_pair(self) -> dict[str, Any]:
        user = self.seller["id"]
        access = f"APP_USR-{self.client_id}-{secrets.token_hex(3)}-{secrets.token_hex(16)}-{user}"
        refresh = f"TG-{secrets.token_hex(12)}-{user}"
        self.access_tokens.record(access, user)
        self.refresh_tokens[refresh] = True
        return {"access_token": access, "token_type": "Bearer", "expires_in": self.token_ttl_s, "scope": SCOPE,
                "user_id": user, "refresh_token": refresh}  # fmt: skip

    def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        """A new token pair, or None when the refresh token is unknown or already used."""
        if not self.refresh_tokens.get(refresh_token):
            return None
        self.refresh_tokens[refresh_token] = False  # single use
        self.refreshes += 1
        return self._token_pair()

    def exchange_code(self, code: str) -> dict[str, Any] | None:
        if code not in self.codes:
            return None
        self.codes.discard(code)  # authorization codes are single use too
        return self._token_pair()

    def new_code(self) -> str:
        code = f"TG-{secrets.token_hex(12)}-{self.seller['id']}"
        self.codes.add(code)
        return code

    def live_refresh_tokens(self) -> list[str]:
        return [t for t, usable in self.refresh_tokens.items() if usable]

    def token_user(self, token: str) -> int | None:
        return self.access_tokens.subject_of(token)

    def expire_tokens(self, token: str | None = None) -> int:
        """Revoke one access token (or every live one); the next call with it gets 401."""
        return self.access_tokens.expire(token)

    # orders ------------------------------------------------------------------------------------
    def search_orders(
        self,
        *,
        status: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        updated_from: datetime | None = None,
        updated_to: datetime | None = None,
        descending: bool = False,
    ) -> list[dict[str, Any]]:
        """Orders matching every filter, by ``date_created``; dates cut to the hour (inclusive)."""
        oldest = self.now() - timedelta(days=self.history_days) if self.history_days else None
        ranges = (("date_created", created_from, created_to), ("last_updated", updated_from, updated_to))
        found = []
        for order in self.orders.values():
            created = parse_instant(order["date_created"])
            if (status and order["status"] != status) or (oldest and created < oldest):
                continue
            if any(
                (low is not None and to_hour(parse_instant(order[key])) < to_hour(low))
                or (high is not None and to_hour(parse_instant(order[key])) > to_hour(high))
                for key, low, high in ranges
            ):
                continue
            found.append(order)
        found.sort(key=lambda o: (parse_instant(o["date_created"]), o["id"]), reverse=descending)
        return found

    def set_order_status(self, order_id: int, status: str) -> dict[str, Any]:
        order = self.orders[order_id]
        order["status"] = status
        order["last_updated"] = meli_timestamp(self.now())
        self._announce("changed", order)
        return order

    def add_order(self, order: dict[str, Any]) -> dict[str, Any]:
        self.orders[int(order["id"])] = order
        self._announce("created", order)
        return order

    def _announce(self, kind: str, order: dict[str, Any]) -> None:
        for listener in self.order_listeners:
            listener(kind, order)

    def billing_info(self, order: dict[str, Any]) -> dict[str, Any] | None:
        return self.billing.get(order["buyer"]["id"])
