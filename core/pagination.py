"""Pages of a list: one request shape (page number and size, bounded) and one result shape for every list.

Offset pages rather than cursors: the admin screens and the storefront both want "page 3 of 12" and a
total, and the lists are the panel's own rows, sorted by a unique key, so a page is stable enough.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
# Far beyond any real list; it keeps page × size inside a 64-bit OFFSET.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list to return: `page` counts from 1, `size` is at most MAX_PAGE_SIZE."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidInput(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"page size must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the length of the whole list."""

    items: list[T]
    total: int
    request: PageRequest

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with every item converted."""
        return Page([convert(item) for item in self.items], self.total, self.request)


def page_of(items: Sequence[T], request: PageRequest) -> Page[T]:
    """A page cut from a list already in memory."""
    return Page(list(items[request.offset : request.offset + request.size]), len(items), request)


async def _total(session: AsyncSession, query: Select[Any]) -> int:
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int(await session.scalar(counted) or 0)


async def paginate(session: AsyncSession, query: Select[T], request: PageRequest) -> Page[T]:
    """A page of a one-entity query (which must already be ordered by a unique key)."""
    items = list(await session.scalars(query.limit(request.size).offset(request.offset)))
    return Page(items, await _total(session, query), request)


async def paginate_rows(session: AsyncSession, query: Select[Any], request: PageRequest) -> Page[Any]:
    """A page of a multi-column query; each item is a row (a named tuple)."""
    rows = list((await session.execute(query.limit(request.size).offset(request.offset))).all())
    return Page(rows, await _total(session, query), request)
