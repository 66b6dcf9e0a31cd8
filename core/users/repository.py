"""SQL for users and API keys."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.types import utcnow
from core.users.models import ApiKey, User


async def by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this (normalised) email."""
    return await session.scalar(select(User).where(User.email == email))


async def by_id(session: AsyncSession, user_id: int) -> User | None:
    """The user with this id."""
    return await session.get(User, user_id)


async def by_key_hash(session: AsyncSession, key_hash: str) -> User | None:
    """The owner of an active (not revoked) key with this hash."""
    return await session.scalar(
        select(User)
        .join(ApiKey, ApiKey.user_id == User.id)
        .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )


async def revoke_keys(session: AsyncSession, user_id: int) -> int:
    """Revoke every active key of a user; how many were revoked."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def list_users(session: AsyncSession, *, limit: int = 1000, offset: int = 0) -> list[User]:
    """Users by id."""
    result = await session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    return list(result)
