"""The reseller's hand on customers: find, set a discount, fund or debit with a reason, manage keys.

Every balance change is a ledger entry (a deposit for money received, an adjustment for a correction,
with the admin's reason as its memo). Its idempotency key derives from a key the client supplies (an
`Idempotency-Key` header), so a retried request changes the balance once; without one each call is new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput, NotFound
from core.ledger import service as ledger
from core.money import HUNDRED, ZERO, MoneyError, exact_amount, to_decimal
from core.pagination import Page, PageRequest, paginate
from core.users import repository
from core.users import service as users
from core.users.models import ApiKey, Role, User

MAX_REASON_LENGTH = 500
MAX_CLIENT_KEY_LENGTH = 150  # the ledger's key column holds 200, with room for the prefix
PERCENT_QUANTUM = Decimal("0.0001")


class BalanceChangeKind(StrEnum):
    """What an admin's balance change is: money the customer paid, or a correction either way."""

    DEPOSIT = "deposit"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class UserFilter:
    """Optional filters of the customer list."""

    role: Role | None = None
    email: str | None = None


async def user_by_id(session: AsyncSession, user_id: int) -> User:
    """The user, or NotFound."""
    user = await repository.by_id(session, user_id)
    if user is None:
        raise NotFound(f"unknown user {user_id}")
    return user


async def users_page(session: AsyncSession, request: PageRequest, where: UserFilter) -> Page[User]:
    """Users by id; `email` matches a part of the address, case-insensitively."""
    query = select(User).order_by(User.id)
    if where.role is not None:
        query = query.where(User.role == where.role)
    if where.email:
        escaped = where.email.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(User.email).like(f"%{escaped}%", escape="\\"))
    return await paginate(session, query, request)


def discount(value: object) -> Decimal:
    """A discount percentage: 0 to 100, at most 4 decimal places."""
    try:
        number = to_decimal(value)
    except (MoneyError, TypeError):
        raise InvalidInput(f"not a percentage: {value!r}") from None
    if number != number.quantize(PERCENT_QUANTUM):
        raise InvalidInput("a discount has at most 4 decimal places")
    if not ZERO <= number <= HUNDRED:
        raise InvalidInput("a discount is between 0 and 100 percent")
    return number.quantize(PERCENT_QUANTUM)


async def set_discount(session: AsyncSession, user_id: int, value: object) -> User:
    """Set a customer's discount, applied last to every price they see and pay."""
    user = await user_by_id(session, user_id)
    user.discount_percent = discount(value)
    await session.flush()
    return user


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise InvalidInput("a balance change needs a reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    return reason


def ledger_key(user_id: int, client_key: str | None) -> str:
    """The ledger idempotency key of an admin's balance change."""
    if client_key is not None and (len(client_key) > MAX_CLIENT_KEY_LENGTH or not client_key.isprintable()):
        raise InvalidInput(f"an idempotency key is 1-{MAX_CLIENT_KEY_LENGTH} printable characters")
    return f"admin:{user_id}:{client_key}" if client_key else f"admin:{user_id}:{uuid.uuid4()}"


async def change_balance(
    session: AsyncSession,
    user_id: int,
    kind: BalanceChangeKind,
    value: object,
    *,
    reason: str,
    client_key: str | None = None,
) -> ledger.Posting:
    """Fund (deposit, positive) or correct (adjustment, either sign) a balance, with a reason.

    The same `client_key` with the same change returns the first entry; with a different change it is a
    `Conflict`. A debit that would take the balance below zero is `InsufficientFunds`.
    """
    await user_by_id(session, user_id)
    try:
        money = exact_amount(value)
    except (MoneyError, TypeError):
        raise InvalidInput(f"not an amount: {value!r}") from None
    memo = _reason(reason)
    key = ledger_key(user_id, client_key)
    if kind is BalanceChangeKind.DEPOSIT:
        return await ledger.deposit(session, user_id, money, key=key, memo=memo)
    return await ledger.adjust(session, user_id, money, key=key, memo=memo)


async def rotate_key(session: AsyncSession, user_id: int) -> str:
    """Revoke the user's keys and issue a new one; the new key is returned once."""
    user = await user_by_id(session, user_id)
    return await users.rotate_key(session, user.email)


async def revoke_keys(session: AsyncSession, user_id: int) -> int:
    """Revoke every active key of the user (they can no longer call any API); how many were revoked."""
    await user_by_id(session, user_id)
    return await repository.revoke_keys(session, user_id)


async def keys_page(session: AsyncSession, user_id: int, request: PageRequest) -> Page[ApiKey]:
    """The user's keys, newest first: visible prefix, creation and revocation times (never the key)."""
    await user_by_id(session, user_id)
    query = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id.desc())
    return await paginate(session, query, request)
