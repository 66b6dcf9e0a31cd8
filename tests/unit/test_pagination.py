"""Pages: bounded requests and slices of in-memory lists."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.pagination import MAX_PAGE_SIZE, PageRequest, page_of


@pytest.mark.parametrize(("page", "size"), [(0, 10), (1, 0), (1, MAX_PAGE_SIZE + 1), (10**7, 10)])
def test_out_of_bounds_requests_are_refused(page: int, size: int) -> None:
    with pytest.raises(InvalidInput):
        PageRequest(page, size)


def test_a_page_of_a_list() -> None:
    page = page_of(list(range(25)), PageRequest(3, 10))
    assert page.items == [20, 21, 22, 23, 24]
    assert page.total == 25
    assert page.map(str).items == ["20", "21", "22", "23", "24"]
    assert page_of([1, 2], PageRequest(5, 10)).items == []
