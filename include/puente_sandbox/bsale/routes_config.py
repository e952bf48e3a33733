"""Bsale offices (sucursales) and document types: account configuration a hook reads once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.serializers import document_type_json, office_json
from puente_sandbox.bsale.store import BsaleStore
from puente_sandbox.bsale.vendor import as_int, not_found
from puente_sandbox.catalog_models import BsaleOffice
from puente_sandbox.common.http import ok


def _text_filter(request: Request, name: str) -> Callable[[str | None], bool]:
    wanted = request.query_params.get(name)
    return lambda value: wanted is None or wanted.lower() in (value or "").lower()


def build_config_router(store: BsaleStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def filter_offices(request: Request) -> list[BsaleOffice]:
        states = q.query_ints(request, "state")
        name, city = _text_filter(request, "name"), _text_filter(request, "city")
        municipality = _text_filter(request, "municipality")
        return q.filter_records(
            store.offices.values(),
            q.in_set(states, lambda o: o.state),
            lambda o: name(o.name) and city(o.city) and municipality(o.municipality),
        )

    def filter_document_types(request: Request) -> list[dict[str, Any]]:
        states = q.query_ints(request, "state")
        codes = q.query_values(request, "codesii")
        electronic = q.query_ints(request, "iselectronicdocument")
        name = _text_filter(request, "name")
        return q.filter_records(
            store.document_types,
            lambda d: q.matches(d["state"], states),
            lambda d: codes is None or d["codeSii"] in codes,
            lambda d: q.matches(d["isElectronicDocument"], electronic),
            lambda d: name(d["name"]),
        )

    @router.get("/offices.json")
    async def list_offices(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, filter_offices(request), lambda o: office_json(base, o)))

    @router.get("/offices/count.json")
    async def count_offices(request: Request) -> JSONResponse:
        return ok({"count": len(filter_offices(request))})

    @router.get("/offices/{office_id}.json")
    async def get_office(office_id: str, request: Request) -> JSONResponse:
        office = store.offices.get(as_int(office_id) or 0)
        if office is None:
            raise not_found("office")
        return ok(q.select_fields(office_json(q.base_url(request), office), request))

    @router.get("/document_types.json")
    async def list_document_types(request: Request) -> JSONResponse:
        base = q.base_url(request)
        return ok(q.envelope(request, filter_document_types(request), lambda d: document_type_json(base, d)))

    @router.get("/document_types/count.json")
    async def count_document_types(request: Request) -> JSONResponse:
        return ok({"count": len(filter_document_types(request))})

    @router.get("/document_types/{type_id}.json")
    async def get_document_type(type_id: str, request: Request) -> JSONResponse:
        wanted = as_int(type_id)
        for document_type in store.document_types:
            if document_type["id"] == wanted:
                return ok(q.select_fields(document_type_json(q.base_url(request), document_type), request))
        raise not_found("document type")

    return router
