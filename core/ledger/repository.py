"""SQL for the ledger: the conditional balance update, entry lookups and the balance check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.ledger.models import LedgerEntry
from core.users.models import User


async def apply_delta(session: AsyncSession, user_id: int, delta: Decimal) -> Decimal | None:
    """Add `delta` to a balance unless that would take it below zero; the new balance, or None."""
    result = await session.execute(
        update(User)
        .where(User.id == user_id, User.balance + delta >= 0)
        .values(balance=User.balance + delta)
        .returning(User.balance)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


async def insert_entry(session: AsyncSession, **values: Any) -> LedgerEntry | None:
    """Insert an entry unless its idempotency key exists; the new entry, or None on a duplicate key.

    ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit or roll back, so
    None means the key is really taken.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(LedgerEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[LedgerEntry.idempotency_key])
        .returning(LedgerEntry)
    )
    return (await session.scalars(statement)).one_or_none()


async def entry_by_key(session: AsyncSession, key: str) -> LedgerEntry | None:
    """The entry written under an idempotency key, if any."""
    result = await session.execute(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))
    return result.scalar_one_or_none()


async def user_exists(session: AsyncSession, user_id: int) -> bool:
    """Whether a user id exists."""
    return (await session.scalar(select(func.count()).where(User.id == user_id))) == 1


@dataclass(frozen=True)
class BalanceMismatch:
    """A user whose cached balance differs from the sum of their ledger entries."""

    user_id: int
    email: str
    balance: Decimal
    ledger_sum: Decimal


async def balance_mismatches(session: AsyncSession) -> list[BalanceMismatch]:
    """Every user whose balance is not the sum of their ledger entries."""
    sums = (
        select(LedgerEntry.user_id, func.sum(LedgerEntry.amount).label("total"))
        .group_by(LedgerEntry.user_id)
        .subquery()
    )
    rows = await session.execute(
        select(User.id, User.email, User.balance, sums.c.total)
        .outerjoin(sums, sums.c.user_id == User.id)
        .order_by(User.id)
    )
    mismatches = []
    for user_id, email, balance, total in rows:
        ledger_sum = total if total is not None else Decimal("0.00000")
        if balance != ledger_sum:
            mismatches.append(BalanceMismatch(user_id, email, balance, ledger_sum))
    return mismatches
