"""Escala deals (opportunities): ``/v1/crm/deals`` create, get, update, list, and the scroll.

From the notes: ``POST /crm/deals`` (body in :mod:`.deals`) and ``GET /crm/deals/scroll?since=&size=
&scrollId=`` -> ``{"items", "scrollId"}``. Inferred: ``201`` on create (as for contacts),
``GET /crm/deals/{id}``, ``PUT /crm/deals/{id}`` and a paged ``GET /crm/deals`` filtered by
``contactId``, ``pipelineId``, ``stageId``, ``assignedTo`` or a deal custom field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.escala.deals import create_deal, update_deal
from puente_sandbox.escala.store import EscalaStore
from puente_sandbox.escala.vendor import json_object, page_envelope, page_params, paging


def build_deal_router(store: EscalaStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1/crm", dependencies=[Depends(auth)])

    @router.get("/deals")
    async def list_deals(request: Request) -> JSONResponse:
        found = store.find_deals(dict(request.query_params.items()))
        return ok(page_envelope(found, *page_params(request), store.deal_view))

    @router.get("/deals/scroll")
    async def scroll_deals(request: Request) -> JSONResponse:
        query = request.query_params
        _, size = paging(None, query.get("size"))
        items, scroll_id = store.scroll("deals", since=query.get("since"), size=size, scroll_id=query.get("scrollId"))
        body: dict[str, Any] = {"items": items}
        if scroll_id:
            body["scrollId"] = scroll_id
        return ok(body)

    @router.get("/deals/{deal_id}")
    async def get_deal(deal_id: str) -> JSONResponse:
        return ok(store.deal_view(store.deal_or_404(deal_id)))

    @router.post("/deals")
    async def post_deal(request: Request) -> JSONResponse:
        return ok(store.deal_view(create_deal(store, await json_object(request))), 201)

    @router.put("/deals/{deal_id}")
    async def put_deal(deal_id: str, request: Request) -> JSONResponse:
        store.deal_or_404(deal_id)
        return ok(store.deal_view(update_deal(store, deal_id, await json_object(request))))

    return router
