"""Pagination for every REST list: `?page=&page_size=` in, the same `PageOut` shape out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

from core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, Page, PageRequest

T = TypeVar("T")
S = TypeVar("S")


class PageOut(msgspec.Struct, Generic[T], frozen=True):
    """One page of a list: its items, which page, its size, and how many items the whole list has."""

    items: list[T]
    page: int
    page_size: int
    total: int


def page_request(
    page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="page number, from 1")] = 1,
    page_size: Annotated[
        int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"items per page, at most {MAX_PAGE_SIZE}")
    ] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    """The `page` and `page_size` query parameters as a PageRequest."""
    return PageRequest(page, page_size)


def page_out(page: Page[S], convert: Callable[[S], T]) -> PageOut[T]:
    """A core page as the REST page shape, each item converted to its schema."""
    return PageOut(
        items=[convert(item) for item in page.items],
        page=page.request.page,
        page_size=page.request.size,
        total=page.total,
    )
