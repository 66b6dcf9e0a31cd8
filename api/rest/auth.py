"""Authentication (`Authorization: Bearer <api key>`) and the admin guard of the REST API.

The key is checked in its own short transaction before the handler runs; the handler gets a `Principal`
(id, role, email), never the ORM row, and opens its own transaction for the work. Unknown, revoked and
malformed keys all answer 401 alike; a customer key on an admin route answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from api.rest.context import RestContext
from core.users.models import Role
from core.users.service import authenticate


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    user_id: int
    role: Role
    email: str

    @property
    def is_admin(self) -> bool:
        """Whether the caller may use the admin routes."""
        return self.role is Role.ADMIN


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Looks up the bearer key's owner; no owner is a 401."""

    def __init__(self, app: ASGIApp, context: RestContext) -> None:
        super().__init__(app)
        self.db = context.db

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The caller, from the Authorization header."""
        token = bearer_token(connection.headers.get("authorization"))
        if token is None:
            raise NotAuthorizedException("send your API key as `Authorization: Bearer <key>`")
        async with self.db.transaction() as session:
            user = await authenticate(session, token)
            if user is None:
                raise NotAuthorizedException("unknown or revoked API key")
            principal = Principal(user.id, user.role, user.email)
        return AuthenticationResult(user=principal, auth=None)


def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the admin routes."""
    user = connection.user
    if not isinstance(user, Principal) or not user.is_admin:
        raise PermissionDeniedException("this route needs an admin key")


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller (a dependency)."""
    user = request.user
    if not isinstance(user, Principal):
        raise NotAuthorizedException("send your API key as `Authorization: Bearer <key>`")
    return user
