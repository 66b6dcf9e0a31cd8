"""The one mapping from what went wrong to the `{"error": ...}` text of /api/v2.

Domain errors already carry the Perfect Panel wording (core/orders/errors.py); request-level problems
that only the API can have (a bad key, an unknown action, an unreadable body) are `ApiError`s here.
Anything unexpected becomes one generic message: its details go to the log, never to the client.
"""

from __future__ import annotations

from litestar.exceptions import HTTPException

from core.errors import DomainError, InsufficientFunds

INVALID_KEY = "Incorrect API key"
INCORRECT_REQUEST = "Incorrect request"
TOO_MANY_IDS = "Incorrect request: at most 100 ids per request"
BODY_TOO_LARGE = "Incorrect request: the request body is too large"
# "try again later" tells SMM clients (and this project's own adapters) that the call may be repeated.
INTERNAL_ERROR = "Internal error, please try again later"
NOT_ENOUGH_FUNDS = "Not enough funds on balance"


class ApiError(Exception):
    """A request the API itself refuses before any use case runs; the message is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_expected(exc: BaseException) -> bool:
    """True for refusals that are the client's business; False for faults worth logging."""
    return isinstance(exc, DomainError | ApiError) or (
        isinstance(exc, HTTPException) and 400 <= exc.status_code < 500
    )


def error_message(exc: BaseException) -> str:
    """The text of `{"error": ...}` for an exception raised while serving /api/v2."""
    if isinstance(exc, InsufficientFunds):
        return NOT_ENOUGH_FUNDS
    if isinstance(exc, DomainError):
        return str(exc) or INCORRECT_REQUEST
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, HTTPException) and 400 <= exc.status_code < 500:
        return BODY_TOO_LARGE if exc.status_code == 413 else INCORRECT_REQUEST
    return INTERNAL_ERROR
