"""Siigo list conventions: ``page``/``page_size`` paging, the ``pagination``/``results``/``_links``
envelope, and ``*_start``/``*_end`` date filters.

From the Blueprint (``ProductsOutList``, ``CustomersOutList``, ``InvoicesOutList``, ``Pagination``)::

    {"pagination": {"page": 1, "page_size": 25, "total_results": 253},
     "results": [...],
     "_links": {"previous": {"href": "...?page=4&page_size=25"}, "self": {...}, "next": {...}}}

Inferred: ``page`` defaults to 1 and ``page_size`` to 25 (the docs' example), ``page_size`` is
clamped to 100 (what clients use; Siigo states no maximum); ``previous`` is absent on page 1 and
``next`` on the last page; links keep the request's filters and are absolute on the request's
host. Dates (Blueprint): ``yyyy-MM-dd`` or ``yyyy-MM-ddTHH:mm:ssZ`` (UTC); a bare date as an
``_end`` includes that whole day (inferred); anything else is ``invalid_date`` (inferred code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

from puente_sandbox.siigo.vendor import invalid

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

T = TypeVar("T")


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid("invalid_type", f"The parameter {name} must be a number", name) from exc
    return value if value >= 1 else default


def page_envelope(request: Request, records: Sequence[T], serialize: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """Cut one page of ``records`` (already filtered and ordered) and wrap it Siigo's way."""
    page = _positive_int(request, "page", 1)
    page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    start = (page - 1) * page_size
    links: dict[str, Any] = {}
    if page > 1:
        links["previous"] = {"href": _link(request, page - 1, page_size)}
    links["self"] = {"href": _link(request, page, page_size)}
    if start + page_size < len(records):
        links["next"] = {"href": _link(request, page + 1, page_size)}
    return {
        "pagination": {"page": page, "page_size": page_size, "total_results": len(records)},
        "results": [serialize(r) for r in records[start : start + page_size]],
        "_links": links,
    }


def _link(request: Request, page: int, page_size: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "page_size")]
    params += [("page", str(page)), ("page_size", str(page_size))]
    return f"{str(request.base_url).rstrip('/')}{request.url.path}?{urlencode(params)}"


def parse_instant(raw: str, name: str, *, end: bool) -> datetime:
    """A filter bound as an aware UTC datetime; a bare date as an end bound means its last instant."""
    try:
        if "T" in raw:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
        day = datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError as exc:
        raise invalid("invalid_date", f"The parameter {name} must be yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ", name) from exc
    return day + timedelta(days=1) - timedelta(microseconds=1) if end else day


def instant_filter(request: Request, prefix: str, key: Callable[[T], str | None]) -> Callable[[T], bool] | None:
    """Predicate for ``<prefix>_start``/``<prefix>_end`` over an ISO timestamp, None if unused."""
    start_raw, end_raw = request.query_params.get(f"{prefix}_start"), request.query_params.get(f"{prefix}_end")
    if not start_raw and not end_raw:
        return None
    start = parse_instant(start_raw, f"{prefix}_start", end=False) if start_raw else None
    end = parse_instant(end_raw, f"{prefix}_end", end=True) if end_raw else None

    def matches(record: T) -> bool:
        stamp = key(record)
        if not stamp:
            return False
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return (start is None or when >= start) and (end is None or when <= end)

    return matches


def date_filter(request: Request, prefix: str, key: Callable[[T], str]) -> Callable[[T], bool] | None:
    """``date_start``/``date_end``: inclusive bounds on a ``yyyy-MM-dd`` field (the invoice date)."""
    start_raw, end_raw = request.query_params.get(f"{prefix}_start"), request.query_params.get(f"{prefix}_end")
    if not start_raw and not end_raw:
        return None
    start = parse_instant(start_raw, f"{prefix}_start", end=False).date().isoformat() if start_raw else None
    end = parse_instant(end_raw, f"{prefix}_end", end=False).date().isoformat() if end_raw else None
    return lambda record: (start is None or key(record) >= start) and (end is None or key(record) <= end)


def last_change(record: dict[str, Any]) -> str | None:
    """``updated_*`` filters read ``last_updated``, or ``created`` for a never-edited record (inferred)."""
    return record["metadata"].get("last_updated") or record["metadata"].get("created")


def apply_filters(records: Sequence[T], *predicates: Callable[[T], bool] | None) -> list[T]:
    active = [p for p in predicates if p is not None]
    return [r for r in records if all(p(r) for p in active)]
