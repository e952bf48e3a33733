"""The Tiendita sandbox: its whole (fictional) contract on FastAPI, built with Puente's sandbox kit
(shared faults, rate limits, accounting and ``/_sandbox`` inspection), as any plug-in's would be."""

from __future__ import annotations

import hmac
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, Response

from puente_sandbox.common.app import build_vendor_app
from puente_sandbox.common.ratelimit import RateDecision
from puente_sandbox.common.state import INSPECTION_PREFIX, SandboxState
from puente_sandbox.common.vendor import VendorError, VendorProfile

API_KEY = "tiendita-sandbox-key-0001"
MAX_PER_PAGE = 50
RATE_LIMITS = ((10, 1.0),)


def _error(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": text}, status_code=status, headers=headers)


def _too_many(decision: RateDecision | None) -> Response:
    return _error(429, "too many requests", {"Retry-After": decision.retry_after_header if decision else "1"})


PROFILE = VendorProfile(
    name="tiendita", rate_limited=_too_many, server_error=lambda: _error(500, "internal error"),
    route_not_found=lambda: _error(404, "not found"), method_not_allowed=lambda: _error(405, "method not allowed"),
)


@dataclass
class TienditaStore:
    products: dict[str, dict[str, Any]]
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Idempotency-Key
    numbers: Any = field(default_factory=lambda: itertools.count(1001))

    @classmethod
    def from_catalog(cls, scenario) -> TienditaStore:
        """The same SKUs, stock and prices as a Puente :class:`CatalogScenario` (so a store's SKUs match)."""
        catalog, office = scenario.bsale, scenario.sync_office_id
        stock = {s.variant_id: s.quantity - s.quantity_reserved for s in catalog.stocks if s.office_id == office}
        price = {d.variant_id: d.variant_value for d in catalog.price_details
                 if d.price_list_id == scenario.sync_price_list_id}
        products = {}
        for variant in catalog.variants:
            if variant.code and variant.state == 0 and variant.id in price:
                products[variant.code] = {"sku": variant.code, "name": variant.description or variant.code,
                                          "stock": max(int(stock.get(variant.id, 0)), 0),
                                          "price": round(price[variant.id] * 1.19), "tax_rate": 0.19, "active": True}
        return cls(products)


def _key(request: Request) -> None:
    given = request.headers.get("x-api-key") or ""
    if not hmac.compare_digest(given, API_KEY):
        raise VendorError(401, {"error": "invalid api key"})


def create_app(store: TienditaStore, *, rate_limits=RATE_LIMITS, faults=None):
    state = SandboxState(profile=PROFILE, store=store, rate_limits=rate_limits, faults=faults)
    api = APIRouter(prefix="/v1", dependencies=[Depends(_key)])

    @api.get("/ping")
    async def ping() -> JSONResponse:
        return JSONResponse({"ok": True})

    @api.get("/products")
    async def products(page: int = 1, per_page: int = 20, sku: str | None = None) -> JSONResponse:
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        wanted = set(sku.split(",")) if sku else None
        rows = [p for code, p in sorted(store.products.items()) if wanted is None or code in wanted]
        pages = max(1, -(-len(rows) // per_page))
        return JSONResponse({"products": rows[(page - 1) * per_page:page * per_page], "page": page, "pages": pages})

    @api.post("/invoices")
    async def invoices(request: Request) -> JSONResponse:
        key = request.headers.get("idempotency-key")
        if not key:
            raise VendorError(400, {"error": "Idempotency-Key header is required"})
        if key in store.invoices:
            return JSONResponse(store.invoices[key], status_code=200)
        body = await request.json()
        lines = body.get("lines") or []
        unknown = sorted({line["sku"] for line in lines if line.get("sku") and line["sku"] not in store.products})
        if not lines or unknown:
            raise VendorError(422, {"error": f"unknown sku {', '.join(unknown)}" if unknown else "no lines"})
        number = next(store.numbers)
        made = {"id": f"INV-{number}", "number": number, "reference": body.get("reference"),
                "total": round(sum(line["quantity"] * line["unit_price"] for line in lines), 2),
                "url": f"https://app.tiendita.example/invoices/{number}.pdf",
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "lines": lines}
        store.invoices[key] = made
        return JSONResponse(made, status_code=201)

    inspection = APIRouter(prefix=INSPECTION_PREFIX)

    @inspection.get("/invoices")
    async def stored() -> JSONResponse:
        return JSONResponse(list(store.invoices.values()))

    return build_vendor_app(state, [api], [inspection], title="Tiendita API sandbox")
