"""Jupiter's documented product/channel endpoints (README of ``astroselling/jupiter-sdk``).

* ``GET channels``: the user's channels (id, internal name, sync method, channel type; plus the
  marketplace's display name, inferred). Answered as a **bare JSON array**: the SDK wraps any
  non-object body into ``data`` (``formatResponse``), which is why its tests read
  ``data->{1}->id`` (inferred from the SDK code; the README shows no response).
* ``GET channels/{id}/products?limit=&offset=`` -> ``{"data", "meta_data"}`` (see :mod:`vendor`).
* ``GET channels/{id}/products/{id_in_erp}`` -> the product object itself.
* ``POST channels/{id}/products`` creates (200, not 201: the SDK treats only 200 as success);
  a taken ``id_in_erp`` is 422 (inferred).
* ``PUT channels/{id}/products/{id_in_erp}``: **partial** update, "send only the changed fields",
  answers the full updated product; ``images`` must be an array; 404 if the product is unknown.
  Stock and price are per channel: this is the only stock/price endpoint.
* ``DELETE channels/{id}/products/{id_in_erp}`` -> 200 (body ``{"message": "Deleted."}``, inferred).
* ``GET healthcheck`` -> 200 (no token needed, inferred).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.astroselling.auth import own_channel
from puente_sandbox.astroselling.store import AstrosellingStore
from puente_sandbox.astroselling.vendor import API_PREFIX, invalid, json_object, not_found, offset_page
from puente_sandbox.common.http import ok

EDITABLE = ("sku", "title", "description", "currency", "price", "stock", "extra_info", "variations", "images")


def validate_product(body: dict[str, Any]) -> None:
    """Laravel-style rules for the fields present (a partial update validates only what it sends)."""
    errors: dict[str, list[str]] = {}
    price = body.get("price")
    if "price" in body and (isinstance(price, bool) or not isinstance(price, int | float)):
        errors["price"] = ["The price must be a number."]
    elif "price" in body and price < 0:
        errors["price"] = ["The price must be at least 0."]
    stock = body.get("stock")
    if "stock" in body and (isinstance(stock, bool) or not isinstance(stock, int)):
        errors["stock"] = ["The stock must be an integer."]
    elif "stock" in body and stock < 0:
        errors["stock"] = ["The stock must be at least 0."]
    for field in ("images", "variations"):
        if field in body and not isinstance(body[field], list):
            errors[field] = [f"The {field} must be an array."]
    if "currency" in body and not (isinstance(body["currency"], str) and len(body["currency"]) == 3):
        errors["currency"] = ["The currency must be 3 characters."]
    if errors:
        raise invalid(errors)


def build_product_router(store: AstrosellingStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(auth)])

    @router.get("/channels")
    async def channels() -> JSONResponse:
        return ok(list(store.channels.values()))

    @router.get("/channels/{channel_id}/products")
    async def list_products(channel_id: str, request: Request) -> JSONResponse:
        listed = list(store.channel_products(own_channel(store, channel_id)).values())
        return ok(offset_page(request, listed))

    @router.get("/channels/{channel_id}/products/{id_in_erp}")
    async def get_product(channel_id: str, id_in_erp: str) -> JSONResponse:
        product = store.channel_products(own_channel(store, channel_id)).get(id_in_erp)
        if product is None:
            raise not_found()
        return ok(product)

    @router.post("/channels/{channel_id}/products")
    async def create_product(channel_id: str, request: Request) -> JSONResponse:
        channel = own_channel(store, channel_id)
        body = await json_object(request)
        if not body.get("id_in_erp"):
            raise invalid({"id_in_erp": ["The id in erp field is required."]})
        if str(body["id_in_erp"]) in store.channel_products(channel):
            raise invalid({"id_in_erp": ["The id in erp has already been taken."]})
        validate_product(body)
        return ok(store.create_product(channel, body))

    @router.put("/channels/{channel_id}/products/{id_in_erp}")
    async def update_product(channel_id: str, id_in_erp: str, request: Request) -> JSONResponse:
        product = store.channel_products(own_channel(store, channel_id)).get(id_in_erp)
        if product is None:
            raise not_found()
        body = await json_object(request)
        validate_product(body)
        product.update({k: v for k, v in body.items() if k in EDITABLE})
        return ok(product)

    @router.delete("/channels/{channel_id}/products/{id_in_erp}")
    async def delete_product(channel_id: str, id_in_erp: str) -> JSONResponse:
        if store.channel_products(own_channel(store, channel_id)).pop(id_in_erp, None) is None:
            raise not_found()
        return ok({"message": "Deleted."})

    return router


def build_health_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)

    @router.get("/healthcheck")
    async def healthcheck() -> JSONResponse:
        return ok({"status": "ok"})

    return router
