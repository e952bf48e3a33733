"""Alegra list conventions: ``start``/``limit`` offsets, ``metadata=true`` envelope, ordering.

From the notes (section 2): ``start`` is a 0-based offset, ``limit`` defaults to 30 and may not
exceed 30 ("a larger value is an error": 400, code and text inferred). Without ``metadata`` a list
is a **bare JSON array**; with ``metadata=true`` it is ``{"metadata": {"total": N}, "data": [...]}``.
``order_field`` / ``order_direction`` (``ASC|DESC``) sort; the default order is ascending id
(inferred). Invalid numbers are 400 (inferred).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request

from puente_sandbox.alegra.vendor import CODE_LIMIT, invalid

DEFAULT_LIMIT = 30
MAX_LIMIT = 30
TRUE_WORDS = frozenset({"true", "1", "yes"})


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid(f"El parámetro {name} debe ser un número entero") from exc
    if value < 0:
        raise invalid(f"El parámetro {name} debe ser mayor o igual a 0")
    return value


def id_key(record: dict[str, Any]) -> Any:
    """Ids are numeric strings: sort them as numbers."""
    ident = str(record.get("id", ""))
    return (0, int(ident), "") if ident.isdigit() else (1, 0, ident)


def ordered(request: Request, records: Sequence[dict[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Apply ``order_field`` (one of ``fields``; unknown ones are ignored, inferred) and direction."""
    field = request.query_params.get("order_field") or "id"
    direction = (request.query_params.get("order_direction") or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise invalid("El parámetro order_direction debe ser ASC o DESC")
    key: Callable[[dict[str, Any]], Any] = id_key
    if field != "id" and field in fields:

        def key(record: dict[str, Any]) -> Any:
            return (str(record.get(field) or ""), id_key(record))

    return sorted(records, key=key, reverse=direction == "DESC")


def wants_metadata(request: Request) -> bool:
    return (request.query_params.get("metadata") or "").lower() in TRUE_WORDS


def page(request: Request, records: Sequence[dict[str, Any]]) -> Any:
    """Cut one page of ``records`` (filtered and ordered) and shape it as Alegra does."""
    start = _int_param(request, "start", 0)
    limit = _int_param(request, "limit", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        raise invalid(f"El límite máximo de registros por consulta es {MAX_LIMIT}", CODE_LIMIT)
    rows = list(records[start : start + limit]) if limit else []
    if wants_metadata(request):
        return {"metadata": {"total": len(records)}, "data": rows}
    return rows


def status_filter(request: Request) -> Callable[[dict[str, Any]], bool] | None:
    wanted = request.query_params.get("status")
    return None if not wanted else (lambda r: r.get("status") == wanted)


def apply_filters(records: Sequence[dict[str, Any]], *predicates: Callable[[Any], bool] | None) -> list[dict[str, Any]]:
    active = [p for p in predicates if p is not None]
    return [r for r in records if all(p(r) for p in active)]
