"""Tolerant readers for the scalar values providers send (reference §5.1.3).

Providers send numbers as JSON numbers, numeric strings or words (`"Unknown"`), and flags as booleans,
0/1 or strings. Each reader returns None for anything it cannot read instead of raising, because one odd
field must not lose the rest of a reply.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def read_decimal(value: object) -> Decimal | None:
    """A finite Decimal from an int, Decimal or numeric string; None for text like "Unknown" or ""."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # json.loads is called with parse_float=Decimal, so a float only arrives from other callers;
        # going through str keeps the value the provider wrote rather than its binary approximation.
        return read_decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if "," in text and "." in text:
            # "1,234.50": a thousands separator; a lone comma ("1,5") stays unreadable, not misread.
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def read_int(value: object) -> int | None:
    """An integer from an int or a numeric string/Decimal with no fractional part; otherwise None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = read_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def read_id(value: object) -> str | None:
    """An opaque id as a string (ints and numeric strings alike); None when absent or not an id."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return None


_TRUE = frozenset({"1", "true", "yes", "y", "on"})


def read_flag(value: object) -> bool:
    """A capability flag from a bool, 0/1 or text; absent or unreadable means False (reference §5.1.7)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, Decimal):
        return value.is_finite() and value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


def read_text(value: object) -> str | None:
    """A stripped non-empty string, or None."""
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return None


def error_text(value: object) -> str | None:
    """The message of an error slot: a truthy `error` value as text, or None when there is no error."""
    if value is None or value is False or value == "" or value == 0:
        return None
    if isinstance(value, dict):
        inner = value.get("message") or value.get("error")
        return error_text(inner) if inner is not None else "error"
    return read_text(value) or str(value)
