"""Contacts (notes section 3): list (paged), get, create.

``GET /contacts`` filters by ``query`` (name or identification, substring; inferred scope),
``identification`` (exact; inferred but widely used), ``type`` (``client|provider``) and
``status``; ``metadata=true`` wraps the page. ``POST /contacts`` answers **201** with the stored
contact (status inferred: the notes give 200/201 for invoices only); rules in :mod:`contact_rules`.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.alegra.contact_rules import build_contact
from puente_sandbox.alegra.paging import apply_filters, ordered, page, status_filter
from puente_sandbox.alegra.store import AlegraStore
from puente_sandbox.alegra.vendor import json_object, not_found
from puente_sandbox.common.http import ok


def build_contact_router(store: AlegraStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(dependencies=[Depends(auth)])

    @router.get("/contacts")
    async def list_contacts(request: Request) -> JSONResponse:
        q = request.query_params
        query, identification, kind = q.get("query"), q.get("identification"), q.get("type")
        records = apply_filters(
            store.contacts,
            None if not query else (lambda c: query.lower() in f"{c['name']} {c['identification']}".lower()),
            None if identification is None else (lambda c: c["identification"] == identification),
            None if not kind else (lambda c: kind in c["type"]),
            status_filter(request),
        )
        return ok(page(request, ordered(request, records, ("name", "identification"))))

    @router.get("/contacts/{contact_id}")
    async def get_contact(contact_id: str) -> JSONResponse:
        contact = store.contacts_by_id.get(contact_id)
        if contact is None:
            raise not_found("el contacto", contact_id)
        return ok(contact)

    @router.post("/contacts")
    async def create_contact(request: Request) -> JSONResponse:
        body = await json_object(request)
        return ok(store.add_contact(build_contact(store, body)), 201)

    return router
