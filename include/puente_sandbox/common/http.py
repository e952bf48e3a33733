"""Response helper: vendor routes return ready ``JSONResponse`` objects.

Returning plain dicts would make FastAPI walk every item through ``jsonable_encoder`` (slow for
20k-SKU catalogs) and tempt it to validate against inferred response models.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)
