"""Paginators as pure components (the fetch callable stands in for the hook's GET)."""

from __future__ import annotations

import pytest

from puente.hooks.pagination import NextLinkPaginator, PageNumberPaginator


def test_next_link_follows_path_and_query_and_keeps_filters() -> None:
    calls = []
    pages = {
        0: {"items": [1, 2], "next": "https://api.bsale.cl/v1/stocks.json?limit=2&offset=2"},
        2: {"items": [3, 4], "next": "https://api.bsale.io/v1/stocks.json?limit=2&offset=4"},
        4: {"items": [5]},
    }

    def fetch(path, params):
        calls.append((path, dict(params)))
        return pages[int(params["offset"])]

    paginator = NextLinkPaginator(page_size=2)
    items = [i for page in paginator.pages(fetch, "/v1/stocks.json", {"officeid": 1}) for i in page]
    assert items == [1, 2, 3, 4, 5]
    assert calls[0] == ("/v1/stocks.json", {"officeid": 1, "limit": 2, "offset": 0})
    assert calls[2] == ("/v1/stocks.json", {"officeid": 1, "limit": "2", "offset": "4"})


def test_next_link_loop_is_detected() -> None:
    def fetch(path, params):
        return {"items": [1], "next": "/v1/x.json?limit=50&offset=0"}

    with pytest.raises(RuntimeError, match="pagination loop"):
        list(NextLinkPaginator().pages(fetch, "/v1/x.json"))


def test_page_number_stops_on_short_page() -> None:
    calls = []

    def fetch(path, params):
        calls.append(params["page"])
        return [[1, 2], [3, 4], [5]][params["page"] - 1]

    pages = list(PageNumberPaginator(page_size=2).pages(fetch, "/v1/products.json"))
    assert pages == [[1, 2], [3, 4], [5]]
    assert calls == [1, 2, 3]


def test_page_number_stops_on_empty_page() -> None:
    def fetch(path, params):
        return [[1, 2], []][params["page"] - 1]

    assert list(PageNumberPaginator(page_size=2).pages(fetch, "/p")) == [[1, 2]]


def test_page_number_guard() -> None:
    with pytest.raises(RuntimeError, match="pagination guard"):
        list(PageNumberPaginator(page_size=1, max_pages=3).pages(lambda p, q: [1], "/p"))
