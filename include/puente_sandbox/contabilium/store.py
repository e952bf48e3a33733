"""In-memory Contabilium account: conceptos, stock per depósito, price lists, clients, comprobantes,
e-mails sent and access tokens.

Routes stay thin; state and the rules that need state live here. Tokens are opaque, last
``expires_in`` = 86399 s (the notes' fixture) and can be expired from ``/_sandbox`` so tests see
the 401 a client gets after a day. ``now`` is injectable. Not thread-safe: the app's event loop is
its only user.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from puente_sandbox.common.tokens import TokenBook
from puente_sandbox.contabilium.seed import ContabiliumSeed, generate_contabilium_data

TOKEN_TTL_S = 86399


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ContabiliumStore:
    """One account. ``client_id`` (the account e-mail) / ``client_secret`` (API key) open ``/token``."""

    def __init__(
        self,
        data: ContabiliumSeed | None = None,
        *,
        client_id: str,
        client_secret: str,
        now: Callable[[], datetime] = _utcnow,
        token_ttl_s: int = TOKEN_TTL_S,
    ) -> None:
        data = copy.deepcopy(data or generate_contabilium_data())
        self.client_id, self.client_secret = client_id, client_secret
        self.now, self.token_ttl_s = now, token_ttl_s
        self.issuer = data.issuer
        self.products = data.products
        self._product_by_code = {p["Codigo"]: p for p in self.products}
        self._product_by_id = {p["Id"]: p for p in self.products}
        self.warehouses = {w["Id"]: w for w in data.warehouses}
        self.stock: dict[tuple[int, int], dict[str, int]] = {
            (deposit, product): {"StockActual": actual, "StockReservado": reserved}
            for deposit, product, actual, reserved in data.stock
        }
        self.price_lists = {p["Id"]: p for p in data.price_lists}
        self.points_of_sale = {p["Id"]: p for p in data.points_of_sale}
        self.sale_conditions = data.sale_conditions
        self.clients: list[dict[str, Any]] = []
        self._client_by_id: dict[int, dict[str, Any]] = {}
        for client in data.clients:
            self.add_client(client)
        self.invoices: dict[int, dict[str, Any]] = {}
        self.last_numbers: dict[tuple[int, str], int] = {}
        self.emails: list[dict[str, Any]] = []
        self.tokens = TokenBook(now, token_ttl_s)
        self._next_invoice_id = 7_000_001

    # tokens --------------------------------------------------------------------------------------
    def issue_token(self, client_id: str) -> str:
        return self.tokens.record(secrets.token_urlsafe(96), client_id)  # OWIN bearer tokens: long and opaque

    def token_valid(self, token: str) -> bool:
        return self.tokens.valid(token)

    def expire_tokens(self, token: str | None = None) -> int:
        """Revoke one token (or every live one); the next call with it gets 401."""
        return self.tokens.expire(token)

    # products and stock ----------------------------------------------------------------------------
    def product_by_code(self, code: str) -> dict[str, Any] | None:
        return self._product_by_code.get(code.strip().upper())

    def product_by_id(self, product_id: int) -> dict[str, Any] | None:
        return self._product_by_id.get(product_id)

    def default_warehouse_id(self) -> int:
        return next(w["Id"] for w in self.warehouses.values() if w["Activo"])

    def stock_row(self, deposit: int, product: dict[str, Any]) -> dict[str, Any]:
        """``{Id, Codigo, Nombre, StockActual, StockReservado, StockConReservas}`` (notes' shape)."""
        row = self.stock.get((deposit, product["Id"]), {"StockActual": 0, "StockReservado": 0})
        actual, reserved = row["StockActual"], row["StockReservado"]
        return {"Id": product["Id"], "Codigo": product["Codigo"], "Nombre": product["Nombre"],
                "StockActual": actual, "StockReservado": reserved, "StockConReservas": actual - reserved}  # fmt: skip

    def stock_in(self, deposit: int) -> list[dict[str, Any]]:
        """Rows of one depósito: the conceptos that have stock records there, catalog order."""
        return [self.stock_row(deposit, p) for p in self.products if (deposit, p["Id"]) in self.stock]

    def stock_by_sku(self, product: dict[str, Any]) -> dict[str, Any]:
        """Totals plus ``stock`` per depósito (``Id`` = depósito id, ``Codigo`` = its name: inferred)."""
        per = []
        for deposit in self.warehouses.values():
            if (deposit["Id"], product["Id"]) in self.stock:
                row = self.stock_row(deposit["Id"], product)
                per.append({**row, "Id": deposit["Id"], "Codigo": deposit["Nombre"]})
                per[-1].pop("Nombre")
        totals = {k: sum(r[k] for r in per) for k in ("StockActual", "StockReservado", "StockConReservas")}
        return {"Id": product["Id"], "Codigo": product["Codigo"], **totals, "stock": per}

    def total_stock(self, product: dict[str, Any]) -> int:
        return sum(r["StockActual"] for (_, pid), r in self.stock.items() if pid == product["Id"])

    def move_stock(self, deposit: int, product_id: int, delta: float) -> None:
        row = self.stock.setdefault((deposit, product_id), {"StockActual": 0, "StockReservado": 0})
        row["StockActual"] = round(row["StockActual"] + delta)

    def set_stock(self, deposit: int, code: str, actual: int, reserved: int = 0) -> None:
        product = self.product_by_code(code)
        if product is None or deposit not in self.warehouses:
            raise KeyError(f"unknown SKU {code!r} or depósito {deposit}")
        self.stock[(deposit, product["Id"])] = {"StockActual": actual, "StockReservado": reserved}

    # clients -----------------------------------------------------------------------------------------
    def add_client(self, client: dict[str, Any]) -> dict[str, Any]:
        self.clients.append(client)
        self._client_by_id[client["Id"]] = client
        return client

    def client_by_id(self, client_id: int) -> dict[str, Any] | None:
        return self._client_by_id.get(client_id)

    def clients_by_doc(self, doc_type: str | None, number: str) -> list[dict[str, Any]]:
        digits = "".join(ch for ch in number if ch.isdigit())
        return [
            c for c in self.clients
            if c["NroDoc"] == digits and (doc_type is None or c["TipoDoc"].upper() == doc_type.upper())
        ]  # fmt: skip

    def next_client_id(self) -> int:
        return max(self._client_by_id, default=945602) + 1

    # invoices and e-mails ----------------------------------------------------------------------------
    def save_invoice(self, invoice: dict[str, Any]) -> dict[str, Any]:
        invoice["Id"] = self._next_invoice_id
        self._next_invoice_id += 1
        invoice["_created"] = self.now().isoformat()
        self.invoices[invoice["Id"]] = invoice
        return invoice

    def record_email(self, invoice: dict[str, Any], email: str) -> dict[str, Any]:
        sent = {"IdComprobante": invoice["Id"], "Email": email, "Numero": invoice["Numero"],
                "TipoFc": invoice["TipoFc"], "sent_at": self.now().isoformat()}  # fmt: skip
        self.emails.append(sent)
        return sent


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the API shows it (sandbox-only ``_`` keys dropped)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}
