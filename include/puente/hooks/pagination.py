"""Paginators: small components that turn "GET one page" into an iterator of pages.

A paginator knows only the vendor's paging contract; the hook gives it a ``fetch(path, params)``
callable that already handles auth, rate limits and retries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Fetch = Callable[[str, dict[str, Any]], Any]
"""``fetch(path, params) -> decoded JSON`` (the hook's ``request_json`` for GET)."""


@dataclass(frozen=True)
class NextLinkPaginator:
    """Offset paging that follows the response's ``next`` link (Bsale).

    Bsale answers ``{"count", "limit", "offset", "items": [...], "next": "<absolute url>"}`` and
    omits ``next`` on the last page. Only the *path and query* of ``next`` are used, resolved
    against the connection's base URL: the link's host differs between Bsale's own hosts
    (api.bsale.io / api.bsale.cl), and credentials must never follow a link to another host.
    The original filters are kept in case a ``next`` link drops them.
    """

    items_key: str = "items"
    next_key: str = "next"
    limit_param: str = "limit"
    offset_param: str = "offset"
    page_size: int = 50

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = dict(params or {})
        query.setdefault(self.limit_param, self.page_size)
        query.setdefault(self.offset_param, 0)
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        while True:
            fingerprint = (path, tuple(sorted((k, str(v)) for k, v in query.items())))
            if fingerprint in seen:
                raise RuntimeError(f"pagination loop: {path} returned a 'next' link already visited")
            seen.add(fingerprint)
            payload = fetch(path, query)
            items = list(payload.get(self.items_key) or [])
            if items:
                yield items
            link = payload.get(self.next_key)
            if not link or not items:
                return
            parts = urlsplit(link)
            path = parts.path or path
            query = {**query, **dict(parse_qsl(parts.query, keep_blank_values=True))}


@dataclass(frozen=True)
class PageNumberPaginator:
    """``page``/``limit`` paging over bare JSON arrays (Jumpseller).

    Jumpseller returns no total and no next link: keep asking for ``page + 1`` until a page is
    empty or shorter than ``limit``. ``max_pages`` is a guard against a server that ignores
    ``page`` and returns the same full page forever.
    """

    page_param: str = "page"
    limit_param: str = "limit"
    page_size: int = 100
    start_page: int = 1
    max_pages: int = 100_000

    def pages(self, fetch: Fetch, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        query: dict[str, Any] = dict(params or {})
        limit = int(query.setdefault(self.limit_param, self.page_size))
        for page in range(self.start_page, self.start_page + self.max_pages):
            query[self.page_param] = page
            items = list(fetch(path, dict(query)) or [])
            if items:
                yield items
            if len(items) < limit:
                return
        raise RuntimeError(f"pagination guard: {path} returned more than {self.max_pages} full pages")


__all__ = ["Fetch", "NextLinkPaginator", "PageNumberPaginator"]
