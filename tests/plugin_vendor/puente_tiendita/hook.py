"""Tiendita transport: Puente's shared HTTP hook with Tiendita's auth, page size and budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from requests import Session

from puente.hooks.base import PuenteHttpHook
from puente.hooks.ratelimit import Budget
from puente.hooks.transport import mask

PAGE_SIZE = 50  # Tiendita's largest per_page


class TienditaHook(PuenteHttpHook):
    conn_name_attr = "tiendita_conn_id"
    default_conn_name = "tiendita_default"
    conn_type = "tiendita"
    hook_name = "Tiendita"
    default_host = "https://api.tiendita.example"
    vendor: ClassVar[str] = "tiendita"
    rate_limit_budgets: ClassVar[tuple[Budget, ...]] = ((10, 1.0),)
    test_connection_path: ClassVar[str] = "/v1/ping"

    def configure_auth(self, session: Session, connection: Any) -> None:
        if not connection.password:
            raise ValueError(f"connection {self.conn_id!r}: Tiendita needs the API key (password)")
        session.headers["X-Api-Key"] = connection.password
        mask(connection.password)

    def iter_products(self, skus: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every product, page by page (``pages`` says when to stop)."""
        page, pages = 1, 1
        while page <= pages:
            params: dict[str, Any] = {"page": page, "per_page": PAGE_SIZE}
            if skus:
                params["sku"] = ",".join(skus)
            body = self.request_json("GET", "/v1/products", params=params)
            yield from body["products"]
            pages, page = int(body["pages"]), page + 1

    def create_invoice(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """One invoice; re-sending the same key returns the invoice already made (safe to retry)."""
        return self.request_json("POST", "/v1/invoices", json=body, headers={"Idempotency-Key": idempotency_key},
                                 idempotent=True)
