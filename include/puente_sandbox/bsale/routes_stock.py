"""Bsale stock per office (``/v1/stocks*``): reads plus receptions (add) and consumptions (subtract)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.filters import variant_id_filter
from puente_sandbox.bsale.serializers import link, office_json, rel, stock_json, variant_json
from puente_sandbox.bsale.store import BsaleRuleError, BsaleStore, StockLine
from puente_sandbox.bsale.vendor import INVALID_JSON, as_int, as_number, bad_request, json_object, not_found
from puente_sandbox.catalog_models import BsaleStock
from puente_sandbox.common.http import ok


def filter_stocks(store: BsaleStore, request: Request) -> list[BsaleStock]:
    """Filters from the Stocks page: officeid, variantid, code, barcode (bracket lists allowed)."""
    office_ids = q.query_ints(request, "officeid")
    variant_ids = variant_id_filter(store, request)
    if variant_ids is not None:
        rows = sorted((s for vid in variant_ids for s in store.stocks_of(vid)), key=lambda s: s.id)
        return [s for s in rows if q.matches(s.office_id, office_ids)]
    if office_ids is not None and len(office_ids) == 1:
        return store.stocks_in(next(iter(office_ids)))  # already in id order
    if office_ids is not None:
        return sorted((s for oid in office_ids for s in store.stocks_in(oid)), key=lambda s: s.id)
    return list(store.stocks.values())


def parse_lines(store: BsaleStore, body: dict[str, Any]) -> list[StockLine]:
    details = body.get("details")
    if not isinstance(details, list) or not details:
        raise bad_request(INVALID_JSON)
    lines: list[StockLine] = []
    for detail in details:
        if not isinstance(detail, dict):
            raise bad_request(INVALID_JSON)
        variant = store.resolve_line_variant(detail)
        if variant is None:
            raise bad_request("invalid variant")
        quantity = as_number(detail.get("quantity"))
        if quantity is None or quantity <= 0:
            raise bad_request("invalid quantity")
        serial = detail.get("serialNumber")
        lines.append(StockLine(variant, quantity, as_number(detail.get("cost")), serial and str(serial)))
    return lines


def office_for(store: BsaleStore, body: dict[str, Any]) -> int:
    """``officeId`` defaults to the main office, as for documents; an unknown one is rejected."""
    if body.get("officeId") is None:
        return store.main_office_id()
    office_id = as_int(body["officeId"])
    if office_id not in store.offices:
        raise bad_request("invalid office")
    return office_id


def reception_json(base: str, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/stocks/receptions/{r['id']}.json",
        "id": r["id"],
        "admissionDate": r["admissionDate"],
        "document": r["document"],
        "documentNumber": r["documentNumber"],
        "note": r["note"],
        "imagestionCctId": 0,
        "imagestionCcDescription": None,
        "internalDispatchId": 0,
        "office": rel(base, "offices", r["office_id"]),
        "details": link(base, f"stocks/receptions/{r['id']}/details"),
    }


def consumption_json(base: str, c: dict[str, Any]) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/stocks/consumptions/{c['id']}.json",
        "id": c["id"],
        "consumptionDate": c["consumptionDate"],
        "note": c["note"],
        "imagestionCcdescription": None,
        "imagestionCenterCostId": None,
        "office": rel(base, "offices", c["office_id"]),
        "details": link(base, f"stocks/consumptions/{c['id']}/details"),
    }


def build_stock_router(store: BsaleStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def stock_serializer(request: Request) -> Callable[[BsaleStock], dict[str, Any]]:
        base = q.base_url(request)
        expand = q.expand_set(request)

        def serialize(s: BsaleStock) -> dict[str, Any]:
            variant = variant_json(base, store.variants[s.variant_id]) if "variant" in expand else None
            office = office_json(base, store.offices[s.office_id]) if "office" in expand else None
            return stock_json(base, s, variant, office)

        return serialize

    @router.get("/stocks.json")
    async def list_stocks(request: Request) -> JSONResponse:
        return ok(q.envelope(request, filter_stocks(store, request), stock_serializer(request)))

    @router.get("/stocks/receptions.json")
    async def list_receptions(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, store.receptions, lambda r: reception_json(base, r)))

    @router.post("/stocks/receptions.json")
    async def create_reception(request: Request) -> JSONResponse:
        body = await json_object(request)
        office_id = office_for(store, body)
        record = store.receive(office_id, parse_lines(store, body), body)
        return ok(reception_json(q.base_url(request), record), status=201)

    @router.get("/stocks/consumptions.json")
    async def list_consumptions(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, store.consumptions, lambda c: consumption_json(base, c)))

    @router.post("/stocks/consumptions.json")
    async def create_consumption(request: Request) -> JSONResponse:
        body = await json_object(request)
        office_id = office_for(store, body)
        lines = parse_lines(store, body)
        try:
            record = store.consume(office_id, lines, str(body.get("note", "")))
        except BsaleRuleError as exc:
            raise bad_request(exc.message) from exc
        return ok(consumption_json(q.base_url(request), record), status=201)

    @router.get("/stocks/{stock_id}.json")
    async def get_stock(stock_id: str, request: Request) -> JSONResponse:
        stock = store.stocks.get(as_int(stock_id) or 0)
        if stock is None:
            raise not_found("stock")
        return ok(q.select_fields(stock_serializer(request)(stock), request))

    return router
