"""In-memory Astroselling account: the API token, channels, per-channel products and orders.

Routes stay thin; state and the rules that need state live here. The token is a 60-character
Laravel ``api_token`` (the README's example has 60); "generating a new key invalidates the old one
immediately" (documented) is :meth:`rotate_token`. Orders implement the notes' **inferred**
contract: nothing public documents Astroselling's orders API. Not thread-safe: the app's event
loop is its only user.
"""

from __future__ import annotations

import copy
import hmac
import secrets
import string
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.astroselling.seed import (
    FOREIGN_CHANNEL_ID,
    STATUSES,
    AstrosellingSeed,
    generate_astroselling_data,
    order_total,
)

TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_api_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(60))


class AstrosellingStore:
    """One account. ``api_token`` is the only credential; ``foreign_channels`` exist but are not ours."""

    def __init__(self, data: AstrosellingSeed | None = None, *, api_token: str) -> None:
        data = data or generate_astroselling_data()
        self.api_token = api_token
        self.seed = data.seed
        self.channels: dict[int, dict[str, Any]] = {c["id"]: dict(c) for c in data.channels}
        self.foreign_channels: set[int] = {FOREIGN_CHANNEL_ID}
        self.products: dict[int, dict[str, dict[str, Any]]] = {
            channel: {p["id_in_erp"]: copy.deepcopy(p) for p in listed} for channel, listed in data.products.items()
        }
        for channel in self.channels:
            self.products.setdefault(channel, {})
        self.orders: dict[str, dict[str, Any]] = {o["id"]: copy.deepcopy(o) for o in data.orders}

    # auth --------------------------------------------------------------------------------------
    def token_valid(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.api_token)

    def rotate_token(self, token: str | None = None) -> str:
        """The web app's "generate a new key": the old one stops working at once."""
        self.api_token = token or new_api_token()
        return self.api_token

    # products ----------------------------------------------------------------------------------
    def channel_products(self, channel_id: int) -> dict[str, dict[str, Any]]:
        return self.products[channel_id]

    def create_product(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        product = {"channel_id": channel_id, "id_in_erp": str(body["id_in_erp"]), "sku": str(body.get("sku") or
                   body["id_in_erp"]), "title": body.get("title", ""), "price": body.get("price", 0),
                   "currency": body.get("currency", "COP"), "stock": body.get("stock", 0),
                   "description": body.get("description", ""), "extra_info": body.get("extra_info") or {},
                   "variations": body.get("variations") or [], "images": body.get("images") or []}  # fmt: skip
        self.products[channel_id][product["id_in_erp"]] = product
        return product

    # orders ------------------------------------------------------------------------------------
    def upsert_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add an order (defaults fill what is missing) or merge ``body`` into an existing one.

        ``total`` is recomputed from the lines and shipping unless ``body`` sets it.
        """
        order_id = str(body.get("id") or f"AS-{200000 + len(self.orders)}")
        current = self.orders.get(order_id)
        if current is None:
            channel_id = int(body.get("channel_id") or next(iter(self.channels)))
            current = {"id": order_id, "channel_id": channel_id, "channel_type": None,
                       "channel_order_id": order_id, "status": "pending", "fulfillment": False,
                       "logistic_type": None, "currency": "COP", "total": 0.0,
                       "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "invoiced": False,
                       "invoice": None, "buyer": {}, "shipping": {"cost": 0.0, "address": {}},
                       "items": []}  # fmt: skip
        merged = {**copy.deepcopy(current), **copy.deepcopy(body), "id": order_id}
        channel_id = int(merged["channel_id"])
        if channel_id not in self.channels:
            raise ValueError(f"unknown channel {channel_id}")
        if merged["status"] not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        merged["channel_id"] = channel_id
        merged["channel_type"] = self.channels[channel_id]["type"]
        if "total" not in body:
            merged["total"] = order_total(merged)
        self.orders[order_id] = merged
        return merged

    def invoice_order(self, order_id: str, invoice: dict[str, Any]) -> dict[str, Any]:
        order = self.orders[order_id]
        order["invoiced"] = True
        order["invoice"] = invoice
        return order
