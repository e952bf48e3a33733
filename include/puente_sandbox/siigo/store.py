"""In-memory Siigo Nube company: catalogs, products, customers, invoices, access tokens.

Routes stay thin; state and the rules that need state live here: access tokens (24 h, expirable
on demand from ``/_sandbox``), ``Idempotency-Key`` -> invoice (a key is remembered only once an
invoice was created, so a corrected retry after a 400 still works: inferred, Siigo documents only
"same key, document already created -> the same document"), invoice numbering per document type
(``consecutive`` is the next number; ``name`` is ``FV-<code>-<number>``) and the DIAN stamp.

Time: ``now`` (UTC) drives token expiry and ``metadata`` timestamps; "today" for the
back-dating rule is ``now`` in Bogotá (UTC-5). Both are injectable so tests can pin them.
Not thread-safe: the app's event loop is its only user.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from puente_sandbox.common.tokens import TokenBook
from puente_sandbox.siigo.invoice_rules import build_invoice, cufe_for
from puente_sandbox.siigo.seed import BOGOTA_OFFSET, SiigoSeed, generate_siigo_data, siigo_timestamp
from puente_sandbox.siigo.webhooks import SiigoWebhooks

TOKEN_TTL_S = 86400  # "access_token válido por 24 horas"; ``expires_in`` says 86400


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SiigoStore:
    """One company. ``username``/``access_key`` are the API credentials ``POST /auth`` accepts."""

    def __init__(
        self,
        data: SiigoSeed | None = None,
        *,
        username: str,
        access_key: str,
        now: Callable[[], datetime] = _utcnow,
        token_ttl_s: int = TOKEN_TTL_S,
    ) -> None:
        data = data or generate_siigo_data()
        self.username, self.access_key = username, access_key
        self.now = now
        self.token_ttl_s = token_ttl_s
        self._rng = random.Random(f"siigo-store-{data.seed}")
        self.document_types = {d["id"]: dict(d) for d in data.document_types}
        self.payment_types = {p["id"]: p for p in data.payment_types}
        self.taxes = {t["id"]: t for t in data.taxes}
        self.users = {u["id"]: u for u in data.users}
        self.cost_centers = {c["id"]: c for c in data.cost_centers}
        self.warehouses = {w["id"]: w for w in data.warehouses}
        self.price_lists = {p["id"]: p for p in data.price_lists}
        self.products: list[dict[str, Any]] = [json.loads(json.dumps(p)) for p in data.products]
        self._product_by_code = {p["code"]: p for p in self.products}
        self._product_by_id = {p["id"]: p for p in self.products}
        self.customers: list[dict[str, Any]] = []
        self._customer_by_key: dict[tuple[str, int], dict[str, Any]] = {}
        self._customer_by_id: dict[str, dict[str, Any]] = {}
        for customer in data.customers:
            self.add_customer(json.loads(json.dumps(customer)))
        self.invoices: dict[str, dict[str, Any]] = {}
        self.origins: dict[str, str] = {}  # invoice id -> "seed" | "api" | "sandbox"
        self.idempotency: dict[str, str] = {}  # Idempotency-Key -> invoice id
        self.tokens = TokenBook(now, token_ttl_s)
        self.webhooks = SiigoWebhooks(username, new_id=self.new_id)  # subscriptions and their deliveries
        for payload, created in data.invoice_requests:
            self.save_invoice(build_invoice(self, payload, allow_backdating=True), origin="seed", created=created)

    # time --------------------------------------------------------------------------------------
    def today(self) -> date:
        return (self.now().astimezone(UTC) + BOGOTA_OFFSET).date()

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # tokens ------------------------------------------------------------------------------------
    def issue_token(self, username: str) -> str:
        """A JWT-shaped opaque token (Siigo's are JWTs; nobody should parse them)."""
        now = self.now()
        claims = {"sub": username, "iat": int(now.timestamp()), "exp": int(now.timestamp()) + self.token_ttl_s,
                  "jti": secrets.token_hex(8)}  # fmt: skip

        def part(obj: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

        token = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{secrets.token_urlsafe(32)}"
        return self.tokens.record(token, username)

    def token_valid(self, token: str) -> bool:
        return self.tokens.valid(token)

    def expire_tokens(self, token: str | None = None) -> int:
        """Revoke one token (or every live one); the next call with it gets 401."""
        return self.tokens.expire(token)

    # products and customers ---------------------------------------------------------------------
    def product_by_code(self, code: str) -> dict[str, Any] | None:
        return self._product_by_code.get(code)

    def product_by_id(self, product_id: str) -> dict[str, Any] | None:
        return self._product_by_id.get(product_id)

    def add_product(self, product: dict[str, Any]) -> dict[str, Any]:
        self.products.append(product)  # /v1/products sorts newest first itself
        self._product_by_code[product["code"]] = product
        self._product_by_id[product["id"]] = product
        return product

    def customer_by_key(self, identification: str, branch_office: int = 0) -> dict[str, Any] | None:
        return self._customer_by_key.get((identification, branch_office))

    def customer_by_id(self, customer_id: str) -> dict[str, Any] | None:
        return self._customer_by_id.get(customer_id)

    def add_customer(self, customer: dict[str, Any]) -> dict[str, Any]:
        self.customers.append(customer)
        self._customer_by_key[(customer["identification"], int(customer["branch_office"]))] = customer
        self._customer_by_id[customer["id"]] = customer
        return customer

    # invoices ----------------------------------------------------------------------------------
    def save_invoice(
        self,
        invoice: dict[str, Any],
        *,
        origin: str,
        created: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Number it (the type's next consecutive), stamp it, timestamp it and keep it."""
        doc = self.document_types[invoice["document"]["id"]]
        invoice["number"] = doc["consecutive"]
        doc["consecutive"] += 1
        invoice["name"] = f"FV-{doc['code']}-{invoice['number']}"
        stamp = invoice.get("stamp")
        if stamp is not None and stamp["status"] == "Accepted":
            stamp["cufe"] = cufe_for(invoice)
        invoice["metadata"] = {"created": siigo_timestamp(created or self.now()), "last_updated": None}
        self.invoices[invoice["id"]] = invoice
        self.origins[invoice["id"]] = origin
        if idempotency_key:
            self.idempotency[idempotency_key] = invoice["id"]
        return invoice

    def invoice_for_key(self, idempotency_key: str) -> dict[str, Any] | None:
        invoice_id = self.idempotency.get(idempotency_key)
        return self.invoices.get(invoice_id) if invoice_id else None

    def touch_invoice(self, invoice: dict[str, Any]) -> None:
        invoice["metadata"]["last_updated"] = siigo_timestamp(self.now())
