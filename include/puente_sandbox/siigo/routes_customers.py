"""Siigo customers (Blueprint "Clientes"): list (paged), get, create.

``GET /v1/customers`` filters by ``identification``, ``branch_office``, ``created_start/end`` and
``updated_start/end``; it is the documented way to find a customer by ID number
(``?identification=900123456&branch_office=0``). Order: creation, oldest first (inferred: the
Blueprint states none for customers). ``POST /v1/customers`` answers 201 with ``CustomerOut``;
validation lives in :mod:`customer_rules`.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.siigo.customer_rules import build_customer
from puente_sandbox.siigo.paging import apply_filters, instant_filter, last_change, page_envelope
from puente_sandbox.siigo.store import SiigoStore
from puente_sandbox.siigo.vendor import invalid, json_object, not_found


def build_customer_router(store: SiigoStore, auth: Callable[[Request], None]) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(auth)])

    @router.get("/customers")
    async def list_customers(request: Request) -> JSONResponse:
        identification = request.query_params.get("identification")
        raw_branch = request.query_params.get("branch_office")
        try:
            branch = int(raw_branch) if raw_branch not in (None, "") else None
        except ValueError as exc:
            raise invalid("invalid_type", "The parameter branch_office must be a number", "branch_office") from exc
        records = apply_filters(
            store.customers,
            None if identification is None else (lambda c: c["identification"] == identification),
            None if branch is None else (lambda c: c["branch_office"] == branch),
            instant_filter(request, "created", lambda c: c["metadata"]["created"]),
            instant_filter(request, "updated", last_change),
        )
        return ok(page_envelope(request, records, lambda c: c))

    @router.get("/customers/{customer_id}")
    async def get_customer(customer_id: str) -> JSONResponse:
        customer = store.customer_by_id(customer_id)
        if customer is None:
            raise not_found("customer")
        return ok(customer)

    @router.post("/customers")
    async def create_customer(request: Request) -> JSONResponse:
        body = await json_object(request)
        return ok(store.add_customer(build_customer(store, body)), 201)

    return router
