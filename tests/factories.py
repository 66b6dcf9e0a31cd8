"""Builders for test data, going through the real use cases where money is involved."""

from __future__ import annotations

from decimal import Decimal

from core.db.database import Database
from core.users import service as users
from core.users.models import Role, User


async def make_user(
    db: Database, email: str = "customer@example.com", *, balance: str | Decimal = "0", admin: bool = False
) -> tuple[User, str]:
    """A committed user with an opening balance; returns the user and their API key."""
    async with db.transaction() as session:
        created = await users.create_user(
            session, email, role=Role.ADMIN if admin else Role.CUSTOMER, balance=balance
        )
    return created.user, created.api_key
