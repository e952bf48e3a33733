"""``/_sandbox/`` routes of the Escala sandbox: what the account holds, without auth or faults.

A test (or the demo) asks here for the generated custom-field slugs (the cédula field's key
differs per seed, as it differs per real account), the owners and stages to configure a flow
with, and afterwards for every contact and deal (with its products) the flow wrote. Counters,
faults and the write log come from the shared inspection router.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse

from puente_sandbox.common.http import ok
from puente_sandbox.common.state import INSPECTION_PREFIX
from puente_sandbox.escala.deals import products_total
from puente_sandbox.escala.models import contact_json, pipeline_json, user_json
from puente_sandbox.escala.store import EscalaStore


def build_escala_inspection_router(store: EscalaStore) -> APIRouter:
    router = APIRouter(prefix=INSPECTION_PREFIX)

    @router.get("/account")
    async def account() -> JSONResponse:
        default = store.default_pipeline()
        return ok(
            {
                "cedula_field": store.cedula_field,
                "invoice_field": store.invoice_field,
                "custom_fields": [f.as_dict() for f in store.custom_fields.values()],
                "users": [user_json(u) for u in store.users.values()],
                "pipelines": [pipeline_json(p) for p in store.pipelines.values()],
                "default_pipeline_id": default.id,
                "first_stage_id": default.stages[0].id,
                "product_codes": [p.code for p in store.products.values()],
            }
        )

    @router.get("/contacts")
    async def contacts() -> JSONResponse:
        return ok([contact_json(c) for c in store.contacts.values()])

    @router.get("/deals")
    async def deals() -> JSONResponse:
        views = []
        for deal in store.deals.values():
            view = store.deal_view(deal)
            view["productsTotal"] = products_total(deal.products)
            views.append(view)
        return ok(views)

    return router
