"""Conceptos (products), stock per depósito, price lists, points of sale, sale conditions, company.

Facts (notes §3): ``GET /api/conceptos/search?filtro=&page=&pageSize=`` (envelope),
``/api/conceptos/getByCodigo?codigo=`` (one concepto or 404; SKUs are upper case),
``/api/conceptos/{id}``; ``/api/inventarios/getDepositos`` (bare array),
``/api/inventarios/getStockByDeposito?id=&page=`` (envelope, fixed page size 50),
``/api/inventarios/getStockBySKU?codigo=`` (totals + per-depósito ``stock``, 404 if unknown);
``/api/listasDePrecio/search``, ``/api/listasDePrecio/getById?id=&page=&pageSize=``;
``/api/puntosdeventa/search`` (bare array), ``/api/usuarios/condicionesVenta``,
``/api/usuarios/obtenerinfo`` (``{RazonSocial, CUIT, CondicionIVA}``).

Inferred: ``filtro`` matches ``Codigo``/``Nombre`` substrings; the concepto's ``Stock`` is the
sum of ``StockActual`` over depósitos; price-list search items are ``{Id, Nombre}`` and
``getById`` answers ``{Id, Nombre, Items: [{Codigo, Precio, PrecioFinal}], TotalItems,
TotalPage}`` (the notes never saw these shapes); sale conditions are ``[{Id, Nombre}]``; an unknown
depósito or price list is 404 with a Spanish ``Message``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.contabilium.store import ContabiliumStore, public
from puente_sandbox.contabilium.vendor import (
    DEFAULT_PAGE_SIZE,
    bad_request,
    int_param,
    not_found,
    page_envelope,
    text_filter,
)


def build_catalog_router(store: ContabiliumStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(auth)])

    def concepto(product: dict[str, Any]) -> dict[str, Any]:
        return {**product, "Stock": store.total_stock(product)}

    def sku(request: Request) -> dict[str, Any]:
        code = request.query_params.get("codigo")
        if not code:
            raise bad_request("El parámetro codigo es obligatorio")
        product = store.product_by_code(code)
        if product is None:
            raise not_found("El concepto es inexistente")
        return product

    @router.get("/conceptos/search")
    async def search_products(request: Request) -> JSONResponse:
        matches = text_filter(request, lambda p: p["Codigo"], lambda p: p["Nombre"])
        return ok(page_envelope(request, [p for p in store.products if matches(p)], concepto))

    @router.get("/conceptos/getByCodigo")
    async def product_by_code(request: Request) -> JSONResponse:
        return ok(concepto(sku(request)))

    @router.get("/conceptos/{product_id}")
    async def product_by_id(product_id: int) -> JSONResponse:
        product = store.product_by_id(product_id)
        if product is None:
            raise not_found("El concepto es inexistente")
        return ok(concepto(product))

    @router.get("/inventarios/getDepositos")
    async def warehouses() -> JSONResponse:
        return ok(list(store.warehouses.values()))

    @router.get("/inventarios/getStockByDeposito")
    async def stock_by_deposit(request: Request) -> JSONResponse:
        deposit = int_param(request, "id", required=True)
        if deposit not in store.warehouses:
            raise not_found("El depósito es inexistente")
        return ok(page_envelope(request, store.stock_in(deposit), dict, fixed_page_size=DEFAULT_PAGE_SIZE))

    @router.get("/inventarios/getStockBySKU")
    async def stock_by_sku(request: Request) -> JSONResponse:
        return ok(store.stock_by_sku(sku(request)))

    @router.get("/listasDePrecio/search")
    async def price_lists(request: Request) -> JSONResponse:
        matches = text_filter(request, lambda p: p["Nombre"])
        lists = [{"Id": p["Id"], "Nombre": p["Nombre"]} for p in store.price_lists.values() if matches(p)]
        return ok(page_envelope(request, lists, dict))

    @router.get("/listasDePrecio/getById")
    async def price_list(request: Request) -> JSONResponse:
        price_list = store.price_lists.get(int_param(request, "id", required=True) or 0)
        if price_list is None:
            raise not_found("La lista de precios es inexistente")
        page = page_envelope(request, price_list["Items"], dict)
        return ok({"Id": price_list["Id"], "Nombre": price_list["Nombre"], **page})

    @router.get("/puntosdeventa/search")
    async def points_of_sale() -> JSONResponse:
        return ok([public(p) for p in store.points_of_sale.values()])

    @router.get("/usuarios/condicionesVenta")
    async def sale_conditions() -> JSONResponse:
        return ok(store.sale_conditions)

    @router.get("/usuarios/obtenerinfo")
    async def company() -> JSONResponse:
        return ok(store.issuer)

    return router
