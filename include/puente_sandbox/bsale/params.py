"""Bsale list conventions: ``limit``/``offset`` paging, bracket lists, ``expand``/``fields``.

From docs.bsale.dev (every list page): ``limit`` defaults to 25 and is capped at 50, ``offset``
defaults to 0, filters accept bracket lists such as ``variantid=[1223]`` or ``code=[892777267]``,
and the envelope is ``{href, count, limit, offset, items, next}`` with ``next`` absent on the
last page. ``next`` is built from the request's own base URL so a client can simply follow it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

DEFAULT_LIMIT = 25
MAX_LIMIT = 50

T = TypeVar("T")


def base_url(request: Request) -> str:
    """``http://127.0.0.1:18081`` (no trailing slash): the host every ``href`` points at."""
    return str(request.base_url).rstrip("/")


def split_values(raw: str) -> list[str]:
    """``"[1,2]"`` / ``"1,2"`` / ``"1"`` -> ``["1", "2"]``; brackets are optional."""
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        raw = raw[1:-1]
    return [part.strip() for part in raw.split(",") if part.strip()]


def query_values(request: Request, name: str) -> list[str] | None:
    """All values of a filter (repeated params and bracket lists both work); None if absent."""
    raw = request.query_params.getlist(name)
    if not raw:
        return None
    values: list[str] = []
    for item in raw:
        values.extend(split_values(item))
    return values


def query_ints(request: Request, name: str) -> set[int] | None:
    values = query_values(request, name)
    if values is None:
        return None
    out: set[int] = set()
    for value in values:
        try:
            out.add(int(float(value)))
        except ValueError:
            continue  # an unparseable id matches nothing, like an unknown id
    return out


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return default


def paging(request: Request) -> tuple[int, int]:
    """``(limit, offset)`` with Bsale's default (25) and silent clamp to the maximum (50)."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT)
    limit = DEFAULT_LIMIT if limit < 1 else min(limit, MAX_LIMIT)
    offset = max(0, _int_param(request, "offset", 0))
    return limit, offset


def expand_set(request: Request) -> set[str]:
    values: set[str] = set()
    for raw in request.query_params.getlist("expand"):
        values.update(v.lower() for v in split_values(raw))
    return values


def select_fields(item: dict[str, Any], request: Request) -> dict[str, Any]:
    """``fields=[a,b]`` keeps only those attributes (matched case-insensitively) plus href/id."""
    raw = request.query_params.get("fields")
    if not raw:
        return item
    wanted = {f.lower() for f in split_values(raw)} | {"href", "id"}
    return {k: v for k, v in item.items() if k.lower() in wanted}


def matches(value: Any, allowed: set[int] | None) -> bool:
    return allowed is None or value in allowed


def envelope(
    request: Request,
    records: Sequence[T],
    serialize: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """Page ``records`` (already filtered) and wrap them the way every Bsale list answers."""
    limit, offset = paging(request)
    base = base_url(request)
    page = records[offset : offset + limit]
    body: dict[str, Any] = {
        "href": f"{base}{request.url.path}",
        "count": len(records),
        "limit": limit,
        "offset": offset,
        "items": [select_fields(serialize(r), request) for r in page],
    }
    if offset + limit < len(records):
        body["next"] = _next_link(request, base, limit, offset + limit)
    return body


def _next_link(request: Request, base: str, limit: int, offset: int) -> str:
    """Keep the caller's filters (so following ``next`` stays filtered), then limit/offset."""
    params: list[tuple[str, str]] = [("limit", str(limit)), ("offset", str(offset))]
    params += [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
    return f"{base}{request.url.path}?{urlencode(params, safe='[],')}"


def filter_records(records: Iterable[T], *predicates: Callable[[T], bool] | None) -> list[T]:
    """Apply only the filters the request used (``None`` = not requested): at 20k SKUs an
    unfiltered page must not pay for four no-op checks per record."""
    active = [p for p in predicates if p is not None]
    if not active:
        return list(records)
    return [r for r in records if all(p(r) for p in active)]


def in_set(allowed: set[int] | None, key: Callable[[T], int]) -> Callable[[T], bool] | None:
    """Predicate for an id filter, or None when the filter is absent."""
    if allowed is None:
        return None
    return lambda record: key(record) in allowed


def contains(needle: str | None, key: Callable[[T], str | None]) -> Callable[[T], bool] | None:
    """Case-insensitive substring predicate for a text filter, or None when absent."""
    if needle is None:
        return None
    lowered = needle.lower()
    return lambda record: lowered in (key(record) or "").lower()
