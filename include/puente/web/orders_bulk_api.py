"""``POST /puente/api/tenants/<t>/orders/retry`` ``{category, reason, channel?}``: retry every order of one
attention category that needs a person (``error`` or ``uncertain``), oldest first, at most
``order_bulk.MAX_ORDERS`` per request; one action-log row for the whole batch.

Result (in ``{"result": ..., "actor": ...}``): ``{category, retried: n, order_ids: [..], refused:
[one line each, first 20], remaining: n}``; ``remaining`` > 0 means "ask again for the next ones".
Same rights and outcomes as the one-order retry (``actions_api``): a viewer 403, a bad body 422.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from puente.web.actions_api import Body, Text, _run
from puente.web.console_auth import ConsoleUserDep, TenantId, console_user

Category = Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,31}$")]  # the ledger's categories: unlinked_sku, ...


class CategoryRetry(Body):
    category: Category
    reason: Text


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/tenants/{tenant}", dependencies=[Depends(console_user)])

    @router.post("/orders/retry")
    def retry_category(tenant: TenantId, body: CategoryRetry, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.order_bulk import retry_category

        return _run(tenant, "retry_category", body.category, user, body, lambda config, actor: retry_category(
            tenant, body.category, f"{body.reason} ({actor})"))

    return router
