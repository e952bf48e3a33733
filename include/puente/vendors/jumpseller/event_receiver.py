"""Jumpseller hook deliveries -> targeted invoicing and catalog-sync runs: whose store, signed how, about what.

What a delivery is (../shared/vendor-apis/jumpseller.md, Webhooks): a POST whose body is the
resource's API JSON (``{"order": {...}}`` / ``{"product": {...}}``, https://jumpseller.com/support/webhooks/),
with headers ``Jumpseller-Event`` (the event's identifier: "Event identifiers (sent in
Jumpseller-Event header)", https://jumpseller.co.uk/support/webhooks), ``Jumpseller-Store-Code`` and
``Jumpseller-Hmac-Sha256`` = base64(HMAC-SHA256(raw body, the store's hooks token)). The last two
are not in Jumpseller's published pages; several independent public client codebases agree on
them (inferred). Jumpseller expects a 2xx and otherwise retries the delivery 9 more times (N^4
minutes after attempt N) and then deletes the hook (same support page), so an authentic event
Puente does not act on is answered 200 ``ignored``, never a 4xx that would end the hook.

Order of checks, each a 4xx with a one-line reason and nothing started: the tenant's Jumpseller
connections have a hooks token and store code (403, ``puente.vendors.jumpseller.connection``); the
body is bounded (413, before it is buffered whole); ``Jumpseller-Store-Code`` names one of the
tenant's stores (403: a foreign store, whose code is in the tenant's connection as ``store_code``,
which ``puente webhooks check`` compares with the store's ``/store/info.json``); the signature is
that store's, compared in constant time (401); the event name is well formed (400/422); the body is
a JSON object (400) of the event's shape (422). The signature covers the body only, so the order's
status is read from the body, and the headers merely route. Jumpseller signs no timestamp: a
replayed delivery is the same body, hence the same run id (``event_plan``), and starts nothing new.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from puente.vendors.jumpseller.event_plan import (
    CATALOG_EVENTS,
    ORDER_EVENTS,
    body_digest,
    order_status,
    plan_order_event,
    plan_product_event,
)
from puente.vendors.jumpseller.hooks_identity import HooksIdentity, hooks_identity
from puente.web.webhook_input import Dropped, Planned, Refused, json_object, parse_event, read_body

SIGNATURE_HEADER = "Jumpseller-Hmac-Sha256"
EVENT_HEADER = "Jumpseller-Event"
STORE_HEADER = "Jumpseller-Store-Code"
MAX_HEADER_CHARS = 200
EVENT_NAME_CHARS = 40


class _OrderRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int = Field(gt=0, lt=10**15, strict=True)
    status_enum: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=60)


class OrderEvent(BaseModel):
    """What of an order delivery Puente uses; the rest of the order is read through the API by the run."""

    model_config = ConfigDict(extra="ignore")
    order: _OrderRef


class _ProductRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int = Field(gt=0, lt=10**15, strict=True)


class ProductEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")
    product: _ProductRef


def signature_of(body: bytes, hooks_token: str) -> str:
    """base64(HMAC-SHA256(body, hooks token)): what Jumpseller puts in ``Jumpseller-Hmac-Sha256``."""
    return base64.b64encode(hmac.new(hooks_token.encode(), body, hashlib.sha256).digest()).decode()


def verify_signature(body: bytes, given: str | None, hooks_token: str) -> None:
    """Refuse (401) a delivery whose signature is missing or not this store's, in constant time."""
    if not given or not given.strip():
        raise Refused(401, f"missing {SIGNATURE_HEADER} signature")
    expected = signature_of(body, hooks_token).encode()
    if not hmac.compare_digest(given.strip()[:MAX_HEADER_CHARS].encode("utf-8", "replace"), expected):
        raise Refused(401, f"bad {SIGNATURE_HEADER} signature (another store's hooks token, or an altered body)")


def event_name(raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise Refused(400, f"missing {EVENT_HEADER} header")
    name = raw.strip()
    if len(name) > EVENT_NAME_CHARS or not all(part.isalpha() and part.islower() for part in name.split("_")):
        raise Refused(422, f"{EVENT_HEADER}: not an event name (lowercase words joined by '_')")
    return name


def identities(config: Any) -> list[HooksIdentity]:
    """The webhook identity of each of the tenant's Jumpseller channels; 404 when it has none."""
    conn_ids = [channel.conn_id for channel in config.channels if channel.vendor == "jumpseller"]
    if not conn_ids:
        raise Refused(404, f"tenant {config.tenant} has no jumpseller source")
    return [hooks_identity(conn_id) for conn_id in conn_ids]


def sender_store(config: Any, given_code: str | None, found: list[HooksIdentity]) -> HooksIdentity:
    """The tenant's store that ``Jumpseller-Store-Code`` names, ready to verify its signature (403 otherwise)."""
    ready = [identity for identity in found if identity.hooks_token and identity.store_code]
    if not ready:
        raise Refused(403, f"webhooks are not enabled for tenant {config.tenant}'s Jumpseller connection "
                           "(set its 'hooks_token' and 'store_code')")
    code = (given_code or "").strip()
    if not code:
        raise Refused(403, f"missing {STORE_HEADER} header")
    for identity in ready:
        if hmac.compare_digest(code[:MAX_HEADER_CHARS].encode("utf-8", "replace"), identity.store_code.encode()):
            return identity
    raise Refused(403, f"{STORE_HEADER} names a store that is not tenant {config.tenant}'s")


def _linked_skus(tenant: str, conn_id: str, product_id: int) -> list[str]:
    """ERP SKUs linked (by the last sync, by SKU or by hand) to a listing of this product in this store."""
    from puente.state.store import StateStore

    rows = StateStore().links(tenant, conn_id)
    return [row["sku"] for row in rows if row["status"] == "linked" and row["product_id"] == str(product_id)]


class JumpsellerEventReceiver:
    """One Jumpseller delivery for one tenant: which of its stores, the signature, the body, then the run.

    ``listing_skus(tenant, conn_id, product_id)`` finds a product's linked ERP SKUs (default: the
    state database's ``sku_link``); the route's ``skus_for_source`` maps ERP ids, which Jumpseller
    events do not carry, so it is not used.
    """

    def __init__(self, listing_skus: Callable[[str, str, int], list[str]] | None = None) -> None:
        self.listing_skus = listing_skus or _linked_skus

    async def receive(self, config: Any, request: Any, now: float,
                      skus_for_source: Callable[[str], list[str]]) -> Planned | Dropped:
        found = identities(config)
        body = await read_body(request)
        store = sender_store(config, request.headers.get(STORE_HEADER), found)
        verify_signature(body, request.headers.get(SIGNATURE_HEADER), store.hooks_token or "")
        event = event_name(request.headers.get(EVENT_HEADER))
        payload = json_object(body)
        if event in ORDER_EVENTS:
            order = parse_event(OrderEvent, payload).order
            planned = plan_order_event(
                config.tenant, event, order.id, order_status(order.model_dump()),
                config.flows.invoicing.statuses, config.flows.invoicing.enabled,
            )
        elif event in CATALOG_EVENTS:
            product = parse_event(ProductEvent, payload).product
            skus = self.listing_skus(config.tenant, store.conn_id, product.id)
            planned = plan_product_event(config.tenant, event, product.id, skus, body_digest(body),
                                         config.flows.catalog_sync.enabled)
        else:
            return Dropped("ignored", f"event {event} does not concern Puente's flows", topic=event)
        if isinstance(planned, str):
            return Dropped("ignored", planned, topic=event)
        return Planned(*planned)
