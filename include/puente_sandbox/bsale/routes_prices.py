"""Bsale price lists (``/v1/price_lists*``): reads plus ``PUT`` of a detail's net value.

There is no POST: every list already has a detail per variant, and only values are edited. The
PUT takes the net ``variantValue``; ``variantValueWithTaxes`` is recomputed (IVA 19 %).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.filters import variant_id_filter
from puente_sandbox.bsale.serializers import detail_json, price_list_json, variant_json
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.bsale.vendor import INVALID_JSON, as_int, as_number, bad_request, json_object, not_found
from puente_sandbox.catalog_models import BsalePriceDetail, BsalePriceList
from puente_sandbox.common.http import ok


def build_price_router(store: BsaleStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def get_list(raw_id: str) -> BsalePriceList:
        price_list = store.price_lists.get(as_int(raw_id) or 0)
        if price_list is None:
            raise not_found("price list")
        return price_list

    def get_detail(price_list: BsalePriceList, raw_id: str) -> BsalePriceDetail:
        detail = store.details.get(as_int(raw_id) or 0)
        if detail is None or detail.price_list_id != price_list.id:
            raise not_found("price list detail")
        return detail

    def filter_lists(request: Request) -> list[BsalePriceList]:
        states, coins = q.query_ints(request, "state"), q.query_ints(request, "coinid")
        name = request.query_params.get("name")
        return q.filter_records(
            store.price_lists.values(),
            q.in_set(states, lambda p: p.state),
            q.in_set(coins, lambda p: p.coin_id),
            q.contains(name, lambda p: p.name),
        )

    def filter_details(price_list: BsalePriceList, request: Request) -> list[BsalePriceDetail]:
        """Filters from the Listas de precio page: variantid, code, barcode."""
        variant_ids = variant_id_filter(store, request)
        if variant_ids is None:
            return store.details_in(price_list.id)
        rows = (store.detail_for(price_list.id, vid) for vid in variant_ids)
        return sorted((d for d in rows if d is not None), key=lambda d: d.id)

    def detail_serializer(request: Request) -> Callable[[BsalePriceDetail], dict[str, Any]]:
        base = q.base_url(request)
        expand_variant = "variant" in q.expand_set(request)

        def serialize(d: BsalePriceDetail) -> dict[str, Any]:
            variant = variant_json(base, store.variants[d.variant_id]) if expand_variant else None
            return detail_json(base, d, variant)

        return serialize

    @router.get("/price_lists.json")
    async def list_price_lists(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, filter_lists(request), lambda p: price_list_json(base, p)))

    @router.get("/price_lists/count.json")
    async def count_price_lists(request: Request) -> JSONResponse:
        return ok({"count": len(filter_lists(request))})

    @router.get("/price_lists/{list_id}.json")
    async def get_price_list(list_id: str, request: Request) -> JSONResponse:
        return ok(q.select_fields(price_list_json(q.base_url(request), get_list(list_id)), request))

    @router.get("/price_lists/{list_id}/details.json")
    async def list_details(list_id: str, request: Request) -> JSONResponse:
        price_list = get_list(list_id)
        return ok(q.envelope(request, filter_details(price_list, request), detail_serializer(request)))

    @router.get("/price_lists/{list_id}/details/{detail_id}.json")
    async def get_detail_route(list_id: str, detail_id: str, request: Request) -> JSONResponse:
        detail = get_detail(get_list(list_id), detail_id)
        return ok(q.select_fields(detail_serializer(request)(detail), request))

    @router.put("/price_lists/{list_id}/details/{detail_id}.json")
    async def update_detail(list_id: str, detail_id: str, request: Request) -> JSONResponse:
        detail = get_detail(get_list(list_id), detail_id)
        body = await json_object(request)
        if "variantValue" not in body:
            raise bad_request(INVALID_JSON)
        net = as_number(body["variantValue"])
        if net is None or net < 0:
            raise bad_request("invalid variantValue")
        store.update_detail_value(detail, net)
        return ok(detail_json(q.base_url(request), detail))

    return router
