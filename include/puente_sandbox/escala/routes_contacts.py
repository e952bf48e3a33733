"""Escala contacts: ``/v1/crm/contacts`` list/search, get, create, update, and the scroll.

From the notes: ``GET /crm/contacts`` -> ``{"items", "total"}``, ``GET /crm/contacts/{id}``,
``POST /crm/contacts`` -> **201** ``{"id", ...}``, ``GET /crm/contacts/scroll``. Inferred:
filtering the list with ``?email=``, ``?phone=`` and ``?<custom field key>=<value>`` (the notes ask
an emulator for the first two; the third is how a hook finds a contact by its cédula field),
``POST /crm/contacts/search`` with the same filters in the body, and ``PUT /crm/contacts/{id}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.escala.models import contact_json
from puente_sandbox.escala.store import EscalaStore
from puente_sandbox.escala.vendor import field_error, json_object, page_envelope, page_params, paging, validation_error


def custom_filters(pairs: Any) -> dict[str, str]:
    """``cf_*`` keys of a query string (or a body's ``custom`` object) as string filters."""
    return {str(k): str(v) for k, v in pairs if str(k).startswith("cf_") and v is not None}


def build_contact_router(store: EscalaStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1/crm", dependencies=[Depends(auth)])

    @router.get("/contacts")
    async def list_contacts(request: Request) -> JSONResponse:
        query = request.query_params
        found = store.find_contacts(
            email=query.get("email"), phone=query.get("phone"), custom=custom_filters(query.items())
        )
        return ok(page_envelope(found, *page_params(request), contact_json))

    @router.post("/contacts/search")
    async def search_contacts(request: Request) -> JSONResponse:
        body = await json_object(request)
        custom = body.get("custom") or {}
        if not isinstance(custom, dict):
            raise validation_error([field_error("custom", "must be an object")])
        found = store.find_contacts(
            email=body.get("email"), phone=body.get("phone"), custom=custom_filters(custom.items())
        )
        return ok(page_envelope(found, body.get("page"), body.get("size"), contact_json))

    @router.get("/contacts/scroll")
    async def scroll_contacts(request: Request) -> JSONResponse:
        query = request.query_params
        _, size = paging(None, query.get("size"))
        items, scroll_id = store.scroll(
            "contacts", since=query.get("since"), size=size, scroll_id=query.get("scrollId")
        )
        body: dict[str, Any] = {"items": items}
        if scroll_id:
            body["scrollId"] = scroll_id
        return ok(body)

    @router.get("/contacts/{contact_id}")
    async def get_contact(contact_id: str) -> JSONResponse:
        return ok(contact_json(store.contact_or_404(contact_id)))

    @router.post("/contacts")
    async def create_contact(request: Request) -> JSONResponse:
        return ok(contact_json(store.create_contact(await json_object(request))), 201)

    @router.put("/contacts/{contact_id}")
    async def update_contact(contact_id: str, request: Request) -> JSONResponse:
        store.contact_or_404(contact_id)  # an unknown id is 404 before the body is judged
        return ok(contact_json(store.update_contact(contact_id, await json_object(request))))

    return router
