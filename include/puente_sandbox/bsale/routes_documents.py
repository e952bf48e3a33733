"""Bsale sales documents (``/v1/documents*``): create facturas/boletas, and read them back.

* ``POST /v1/documents.json``: rules in :mod:`document_rules`; 201 with the document (also when
  ``salesId`` returns an existing one), 400 ``{"error": ...}`` otherwise. The shared "lost
  response" fault applies: the document is committed, the client sees a 500 or a cut connection,
  and re-posting the same ``salesId`` is how to recover it.
* ``GET /v1/documents.json``: Bsale envelope (``limit`` 25, max 50, ``next``), id order, with the
  documented filters ``number, codesii, documenttypeid, officeid, state, informedsii, clientcode,
  token, emissiondate, expirationdate, totalamount`` (bracket lists allowed) and
  ``emissiondaterange=[from,to]`` (inclusive), plus ``expand=[details,document_type,office]``.
  There is **no** ``salesid`` filter: docs.bsale.dev's list of filters has none and no public
  client uses one, so, like any unknown parameter, it is ignored and the unfiltered list comes
  back. ``GET /v1/documents/count.json`` takes the same filters.
* ``GET /v1/documents/{id}.json`` (``expand`` too), ``GET /v1/documents/{id}/details.json``
  (``{href, count, limit, offset, items}``) and ``.../details/{detail_id}.json``; unknown ids are
  404 ``{"error": "document not found"}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.bsale import params as q
from puente_sandbox.bsale.document_book import BsaleDocument
from puente_sandbox.bsale.document_json import detail_json, details_page, document_json
from puente_sandbox.bsale.document_rules import create_document
from puente_sandbox.bsale.store import BsaleRuleError, BsaleStore
from puente_sandbox.bsale.vendor import as_int, bad_request, json_object, not_found
from puente_sandbox.common.http import ok


def _range(request: Request, name: str) -> tuple[int, int] | None:
    values = q.query_values(request, name)
    if not values or len(values) != 2:
        return None
    low, high = as_int(values[0]), as_int(values[1])
    return None if low is None or high is None else (low, high)


def filter_documents(store: BsaleStore, request: Request) -> list[BsaleDocument]:
    codes = q.query_values(request, "codesii")
    client_codes = q.query_values(request, "clientcode")
    tokens = q.query_values(request, "token")
    emitted = _range(request, "emissiondaterange")
    return q.filter_records(
        store.book.documents.values(),
        q.in_set(q.query_ints(request, "number"), lambda d: d.number),
        q.in_set(q.query_ints(request, "documenttypeid"), lambda d: int(d.document_type["id"])),
        q.in_set(q.query_ints(request, "officeid"), lambda d: d.office_id),
        q.in_set(q.query_ints(request, "state"), lambda d: d.state),
        q.in_set(q.query_ints(request, "informedsii"), lambda d: d.informed_sii),
        q.in_set(q.query_ints(request, "emissiondate"), lambda d: d.emission_date),
        q.in_set(q.query_ints(request, "expirationdate"), lambda d: d.expiration_date),
        q.in_set(q.query_ints(request, "totalamount"), lambda d: d.total_amount),
        None if codes is None else (lambda d: d.code_sii in codes),
        None if client_codes is None else (lambda d: str((d.client or {}).get("code")) in client_codes),
        None if tokens is None else (lambda d: d.token in tokens),
        None if emitted is None else (lambda d: emitted[0] <= d.emission_date <= emitted[1]),
    )


def build_document_router(store: BsaleStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    def serializer(request: Request) -> Callable[[BsaleDocument], dict[str, Any]]:
        base, expand = q.base_url(request), q.expand_set(request)
        return lambda d: document_json(base, d, store.offices, expand)

    def get_document(raw_id: str) -> BsaleDocument:
        document = store.book.documents.get(as_int(raw_id) or 0)
        if document is None:
            raise not_found("document")
        return document

    @router.post("/documents.json")
    async def post_document(request: Request) -> JSONResponse:
        body = await json_object(request)
        try:
            document = create_document(store, body)
        except BsaleRuleError as exc:
            raise bad_request(exc.message) from exc
        return ok(serializer(request)(document), status=201)

    @router.get("/documents.json")
    async def list_documents(request: Request) -> JSONResponse:
        return ok(q.envelope(request, filter_documents(store, request), serializer(request)))

    @router.get("/documents/count.json")
    async def count_documents(request: Request) -> JSONResponse:
        return ok({"count": len(filter_documents(store, request))})

    @router.get("/documents/{document_id}.json")
    async def get_document_route(document_id: str, request: Request) -> JSONResponse:
        return ok(q.select_fields(serializer(request)(get_document(document_id)), request))

    @router.get("/documents/{document_id}/details.json")
    async def list_details(document_id: str, request: Request) -> JSONResponse:
        limit, offset = q.paging(request)
        return ok(details_page(q.base_url(request), get_document(document_id), limit, offset))

    @router.get("/documents/{document_id}/details/{detail_id}.json")
    async def get_detail(document_id: str, detail_id: str, request: Request) -> JSONResponse:
        document = get_document(document_id)
        for index, line in enumerate(document.lines):
            if line.id == as_int(detail_id):
                return ok(detail_json(q.base_url(request), document, line, index))
        raise not_found("detail")

    return router
