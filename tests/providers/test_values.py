"""Reference §5.1.3: numbers as int, float or numeric string; text like "Unknown" is unknown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.smmv2.values import error_text, read_decimal, read_flag, read_id, read_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, Decimal(1)),
        (Decimal("0.27819"), Decimal("0.27819")),
        ("0.27819", Decimal("0.27819")),
        (" 95200 ", Decimal(95200)),
        ("1,234.50", Decimal("1234.50")),
        (0.1, Decimal("0.1")),
        ("1,5", None),
        ("Unknown", None),
        ("", None),
        (None, None),
        (True, None),
        ("NaN", None),
        ("Infinity", None),
        ([], None),
    ],
)
def test_read_decimal(raw: object, expected: Decimal | None) -> None:
    assert read_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (300, 300),
        ("3572", 3572),
        ("3572.0", 3572),
        (Decimal("12"), 12),
        ("12.5", None),
        ("Unknown", None),
        (False, None),
        (None, None),
    ],
)
def test_read_int(raw: object, expected: int | None) -> None:
    assert read_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (23501, "23501"),
        ("23501", "23501"),
        (" ord_01HG ", "ord_01HG"),
        (Decimal("7"), "7"),
        ("", None),
        (None, None),
        (True, None),
        (Decimal("1.5"), None),
    ],
)
def test_read_id(raw: object, expected: str | None) -> None:
    assert read_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        (None, False),
        ("", False),
    ],
)
def test_read_flag(raw: object, expected: bool) -> None:
    assert read_flag(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        (False, None),
        (0, None),
        ("Bad link", "Bad link"),
        ({"message": "m"}, "m"),
        ({"error": "e"}, "e"),
        (True, "True"),
    ],
)
def test_error_text(raw: object, expected: str | None) -> None:
    assert error_text(raw) == expected


@given(
    st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.decimals(allow_nan=True), st.floats())
)
def test_readers_never_raise(raw: object) -> None:
    number = read_decimal(raw)
    assert number is None or number.is_finite()
    read_int(raw)
    read_id(raw)
    read_flag(raw)
