"""Query filters of ``GET /v1/orders.json`` (OpenAPI parameters; semantics partly inferred).

* ``status_filters[]`` (repeatable): ``paid|created|pending_payment|canceled|abandoned`` matched
  against ``status_enum``. No order is ever in ``created`` (the Order schema has no such status),
  unknown values match nothing, and the unbracketed ``status_filters`` is ignored: Rails only
  collects the ``[]`` form into a list (inferred).
* ``fulfillment_filters``: comma-separated ``unfulfilled,fulfilled`` on ``fulfillment_status``.
* ``dateFilter``: ``today``, ``yesterday``, ``last7days``/``last30days``/``last90days`` (that many
  calendar days ending today, inclusive) or ``customDate`` with ``initialDate`` and ``finalDate``
  (``YYYY-MM-DD``, both required, both inclusive). Days are calendar days of ``created_at`` in the
  store timezone, America/Santiago, and "today" is the sandbox clock's day there. An unknown
  ``dateFilter``, a missing or malformed date answers 400 ``BadParams`` (inferred: the spec says
  both dates are required but documents no error).
* ``fields``: comma-separated ``order`` keys to keep (``id`` is always kept); unknown names are
  ignored and a list with no known name returns whole orders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from fastapi import Request

from puente_sandbox.jumpseller.vendor import BAD_PARAMS, message
from puente_sandbox.order_models import JumpsellerOrder

STATUS_FILTERS = ("paid", "created", "pending_payment", "canceled", "abandoned")
RELATIVE_DAYS = {"last7days": 7, "last30days": 30, "last90days": 90}


def _parse_day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError as exc:
        raise message(400, BAD_PARAMS) from exc


def date_range(request: Request, today: date) -> tuple[date, date] | None:
    """``(first, last)`` inclusive store-local days selected by ``dateFilter``; None if absent."""
    params = request.query_params
    kind = params.get("dateFilter")
    if kind is None or kind == "":
        return None
    if kind == "today":
        return today, today
    if kind == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if kind in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[kind] - 1), today
    if kind == "customDate":
        first, last = _parse_day(params.get("initialDate")), _parse_day(params.get("finalDate"))
        return first, last
    raise message(400, BAD_PARAMS)


def status_filter(request: Request) -> set[str] | None:
    values = {v.strip() for v in request.query_params.getlist("status_filters[]") if v.strip()}
    return values or None


def fulfillment_filter(request: Request) -> set[str] | None:
    raw = request.query_params.get("fulfillment_filters")
    if not raw:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def select(orders: Iterable[JumpsellerOrder], request: Request, today: date) -> list[JumpsellerOrder]:
    """Apply the filters present in the request, keeping the input order."""
    days = date_range(request, today)
    statuses = status_filter(request)
    fulfillment = fulfillment_filter(request)
    selected = []
    for order in orders:
        if days is not None and not days[0] <= order.local_date <= days[1]:
            continue
        if statuses is not None and order.status_enum not in statuses:
            continue
        if fulfillment is not None and order.fulfillment_status not in fulfillment:
            continue
        selected.append(order)
    return selected


def projector(request: Request) -> Callable[[JumpsellerOrder], dict[str, Any]]:
    """A function ``order -> {"order": {...}}`` honouring ``fields``."""
    raw = request.query_params.get("fields")
    wanted = {f.strip() for f in raw.split(",") if f.strip()} if raw else set()

    def whole(order: JumpsellerOrder) -> dict[str, Any]:
        return order.as_json()

    def partial(order: JumpsellerOrder) -> dict[str, Any]:
        kept = {k: v for k, v in order.fields.items() if k in wanted or k == "id"}
        return {"order": kept if len(kept) > 1 or "id" in wanted else order.fields}

    return partial if wanted else whole
