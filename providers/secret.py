"""A provider API key that does not show itself in reprs, `vars()` dumps or tracebacks with locals."""

from __future__ import annotations


class ApiKey:
    """Holds the key; `reveal()` is the one way to read it, used only where it goes on the wire."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself."""
        return self._value

    def __repr__(self) -> str:
        return "ApiKey('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
