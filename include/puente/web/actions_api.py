"""Console actions on one tenant: retry, skip or settle an order, invoice it now with SKU overrides, link or
unlink a listing. Each runs the same engine functions as the CLI and the DAGs, needs edit access to
the tenant's DAGs (read access alone: 403; no read access: 404, as for a tenant that does not
exist), and is written to the action log with the Airflow user, the time and the outcome.

Outcomes: a refusal the engine explains (the order is not in error, the ERP lacks the SKU, ...) is
a 409 with its one-line reason; a vendor that cannot be reached a 502 with the vendor's error; a
malformed body a 422 naming the field. Never a 500 for something a person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from puente.web.console_auth import ConsoleUser, ConsoleUserDep, TenantId, console_user, tenant_dag_ids

OrderId = Annotated[str, Path(min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Sku = Annotated[str, Field(min_length=1, max_length=255)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Decision(Body):
    reason: Text
    channel: Sku | None = None


class Settle(Body):
    """An uncertain or failed order settled by a person: ``exists`` (as ``document``), ``send``, ``skip``."""

    decision: Literal["exists", "send", "skip"] = "exists"
    document: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    reason: Text | None = None
    channel: Sku | None = None


class InvoiceNow(Body):
    sku_overrides: dict[Sku, Sku] = Field(default={}, max_length=50)
    channel: Sku | None = None


class LinkRequest(Body):
    erp_sku: Sku
    listing_sku: Sku | None = None
    listing_id: Sku | None = None
    channel: Sku | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_listing(self) -> LinkRequest:
        if (self.listing_sku is None) == (self.listing_id is None):
            raise ValueError("name the listing by exactly one of listing_sku, listing_id")
        return self


class UnlinkRequest(Body):
    erp_sku: Sku | None = None
    listing_id: Sku | None = None
    channel: Sku | None = None

    @model_validator(mode="after")
    def _one_link(self) -> UnlinkRequest:
        if (self.erp_sku is None) == (self.listing_id is None):
            raise ValueError("name the link by exactly one of erp_sku, listing_id")
        return self


def _may_act(tenant: str, user: ConsoleUser) -> None:
    from puente.config.loader import tenant_paths

    user.require_tenant(tenant)
    if not tenant_paths(tenant):
        raise HTTPException(404, f"no tenant {tenant!r} you may read")
    if not user.can_edit(tenant_dag_ids(tenant)):
        raise HTTPException(403, f"you may see {tenant} but not act on it: that needs edit access to its DAGs")


def _run(tenant: str, action: str, subject: str, user: ConsoleUser, body: BaseModel,
         act: Callable[[Any, str], Any]) -> dict[str, Any]:
    """Check rights, load the tenant, run ``act(config)``, log the outcome, map refusals to 4xx/502."""
    from airflow.exceptions import AirflowNotFoundException

    from puente.catalog_links import LinkRefused, tenant_config
    from puente.hooks.errors import VendorError
    from puente.invoice_now import OverrideRefused
    from puente.order_decisions import DecisionRefused
    from puente.state.action_log import ActionLog

    _may_act(tenant, user)
    actor = f"airflow:{user.name}"
    detail: dict[str, Any] = {"request": body.model_dump(exclude_none=True)}
    try:
        config = tenant_config(tenant)
        result = act(config, actor)
    except (LinkRefused, OverrideRefused, DecisionRefused) as exc:
        ActionLog().record(tenant, action, subject, actor, "refused", detail | {"reason": str(exc)})
        raise HTTPException(409, str(exc)) from exc
    except VendorError as exc:
        ActionLog().record(tenant, action, subject, actor, "failed", detail | {"reason": str(exc)})
        raise HTTPException(502, f"the vendor could not be reached or refused: {exc}") from exc
    except AirflowNotFoundException as exc:  # a connection the tenant file names is not defined
        ActionLog().record(tenant, action, subject, actor, "failed", detail | {"reason": str(exc)})
        raise HTTPException(409, f"not set up: {exc}") from exc
    ActionLog().record(tenant, action, subject, actor, "done", detail | {"result": result})
    return {"result": result, "actor": actor}


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/tenants/{tenant}", dependencies=[Depends(console_user)])

    def resolve(tenant: str, order_id: str, resolution: str, body: Decision, user: ConsoleUser) -> Any:
        """Retry or skip one order; its question in Required Actions, if one is open, is answered the
        same way ("Send again" / "Skip"), so it does not linger with a stale choice to make."""
        from puente.order_decisions import resolve_order
        from puente.web.hitl_close import close_question

        def act(config, actor):
            line = resolve_order(tenant, order_id, resolution, f"{body.reason} ({actor})", channel=body.channel)
            answer = Settle(decision="send" if resolution == "retry" else "skip", reason=body.reason,
                            channel=body.channel)
            closed = close_question(tenant, order_id, user, answer)
            return line if closed is None else {"resolved": line, "required_action": closed}

        return _run(tenant, "retry" if resolution == "retry" else "skip", order_id, user, body, act)

    @router.post("/orders/{order_id}/retry")
    def retry(tenant: TenantId, order_id: OrderId, body: Decision, user: ConsoleUserDep) -> dict[str, Any]:
        return resolve(tenant, order_id, "retry", body, user)

    @router.post("/orders/{order_id}/skip")
    def skip(tenant: TenantId, order_id: OrderId, body: Decision, user: ConsoleUserDep) -> dict[str, Any]:
        return resolve(tenant, order_id, "skipped", body, user)

    @router.post("/orders/{order_id}/settle")
    def settle(tenant: TenantId, order_id: OrderId, body: Settle, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.order_decisions import settle_order
        from puente.web.hitl_close import close_question

        def act(config, actor):
            line = settle_order(tenant, order_id, body.decision, by=actor, document=body.document,
                                reason=body.reason, channel=body.channel)
            return {"settled": line, "required_action": close_question(tenant, order_id, user, body)}

        return _run(tenant, "settle", order_id, user, body, act)

    @router.post("/orders/{order_id}/invoice")
    def invoice(tenant: TenantId, order_id: OrderId, body: InvoiceNow, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.catalog_links import order_channel
        from puente.invoice_now import invoice_now

        def act(config, actor):
            channel = order_channel(config, body.channel)
            outcomes = invoice_now(config, channel, [order_id], {order_id: dict(body.sku_overrides)}, actor=actor)
            return [outcome.line() for outcome in outcomes]

        return _run(tenant, "invoice", order_id, user, body, act)

    @router.post("/links")
    def link_listing(tenant: TenantId, body: LinkRequest, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.catalog_links import catalog_channel, check_erp_sku, find_listing, link

        def act(config, actor):
            channel = catalog_channel(config, body.channel)
            listing = find_listing(config, channel, listing_sku=body.listing_sku, listing_ref=body.listing_id)
            check_erp_sku(config, body.erp_sku)
            return link(config, channel, listing, body.erp_sku, actor=actor, note=body.note)

        return _run(tenant, "link", body.erp_sku, user, body, act)

    @router.post("/links/remove")
    def unlink_listing(tenant: TenantId, body: UnlinkRequest, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.catalog_links import catalog_channel, unlink

        def act(config, actor):
            channel = catalog_channel(config, body.channel)
            return unlink(config, channel, erp_sku=body.erp_sku, listing_ref=body.listing_id)

        return _run(tenant, "unlink", body.erp_sku or body.listing_id or "?", user, body, act)

    @router.get("/actions")
    def actions(tenant: TenantId, user: ConsoleUserDep) -> dict[str, Any]:
        from puente.state.action_log import ActionLog

        user.require_tenant(tenant)
        return {"actions": ActionLog().rows(tenant)}

    return router
