"""Domain errors. They carry no HTTP codes: the API and the CLI each map them once."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business refused the request; the message is safe to show to the user."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The request contradicts existing state (a duplicate name, a reused idempotency key...)."""


class InvalidInput(DomainError):
    """The request is malformed or out of range."""


class InsufficientFunds(DomainError):
    """The balance does not cover the debit."""

    def __init__(self, message: str = "Not enough funds on balance") -> None:
        super().__init__(message)
