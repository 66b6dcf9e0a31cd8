"""The one mapping from what went wrong to an HTTP status and the REST error body.

Every error answers `{"error": {"code": "...", "message": "..."}}`:

| raised                                   | status | code                                      |
|------------------------------------------|--------|-------------------------------------------|
| `InsufficientFunds`                      | 402    | insufficient_funds                        |
| `NotFound` and subclasses                | 404    | the class in snake case (unknown_order...)|
| `Conflict` and subclasses                | 409    | e.g. request_id_reused, not_available     |
| `InvalidInput` and subclasses, MoneyError| 422    | e.g. quantity_below_minimum, bad_link     |
| a malformed request (schema validation)  | 400    | bad_request                               |
| no or unknown key / customer on admin    | 401 / 403 | unauthorized / forbidden               |
| anything else                            | 500    | internal_error (details only in the log)  |

402 for insufficient funds: the request was valid and would succeed with more money on the balance,
which is what "Payment Required" says; a storefront can send the customer to the top-up page on it.
"""

from __future__ import annotations

import re
import traceback
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from core.errors import Conflict, DomainError, InsufficientFunds, InvalidInput, NotFound
from core.money import MoneyError

log = structlog.get_logger(__name__)
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class ErrorDetail(msgspec.Struct, frozen=True):
    """What went wrong: a stable machine-readable `code` and a message for people."""

    code: str
    message: str


class ErrorBody(msgspec.Struct, frozen=True):
    """The body of every REST error response."""

    error: ErrorDetail


def _code(exc: BaseException) -> str:
    return _CAMEL.sub("_", type(exc).__name__).lower()


def _status_code(exc: DomainError) -> int:
    if isinstance(exc, InsufficientFunds):
        return HTTPStatus.PAYMENT_REQUIRED
    if isinstance(exc, NotFound):
        return HTTPStatus.NOT_FOUND
    if isinstance(exc, Conflict):
        return HTTPStatus.CONFLICT
    if isinstance(exc, InvalidInput):
        return HTTPStatus.UNPROCESSABLE_ENTITY
    return HTTPStatus.BAD_REQUEST


def _validation_message(exc: ValidationException) -> str:
    problems = exc.extra if isinstance(exc.extra, list) else []
    parts = []
    for problem in problems[:5]:
        if isinstance(problem, dict):
            where = problem.get("key") or problem.get("source") or "body"
            parts.append(f"{where}: {problem.get('message', 'invalid')}")
    return "invalid request" + (f" ({'; '.join(parts)})" if parts else "")


def _http_code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def error_parts(exc: BaseException) -> tuple[int, str, str]:
    """(status, code, message) for any exception raised while serving the REST API."""
    if isinstance(exc, DomainError):
        return _status_code(exc), _code(exc), str(exc) or _code(exc).replace("_", " ")
    if isinstance(exc, MoneyError):
        return HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_amount", str(exc)
    if isinstance(exc, ValidationException):
        return HTTPStatus.BAD_REQUEST, "bad_request", _validation_message(exc)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return exc.status_code, _http_code(exc.status_code), str(exc.detail)
    return HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal error; it has been logged"


def error_response(exc: BaseException) -> Response[ErrorBody]:
    """The response for an exception: status, error body, and the headers the exception asks for."""
    status, code, message = error_parts(exc)
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if status == HTTPStatus.UNAUTHORIZED:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return Response(
        ErrorBody(ErrorDetail(code, message)), status_code=status, media_type=MediaType.JSON, headers=headers
    )


def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    """Litestar exception handler of the REST router; unexpected faults are logged without locals."""
    status, _, _ = error_parts(exc)
    if status >= 500:
        log.error(
            "rest_api_unexpected_error",
            method=request.method,
            path=request.scope["path"][:200],
            error_type=type(exc).__name__,
            traceback="".join(traceback.format_tb(exc.__traceback__)),
        )
    return error_response(exc)


_DESCRIPTIONS = {
    400: "The request does not match the schema",
    401: "No API key, or an unknown or revoked one",
    402: "The balance does not cover the charge",
    403: "An admin key is required",
    404: "No such object (or it belongs to someone else)",
    409: "The request conflicts with the current state",
    422: "A value is out of range or not allowed",
}

ERROR_RESPONSES: dict[int, ResponseSpec] = {
    status: ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)
    for status, description in _DESCRIPTIONS.items()
}
