"""Use cases for users: create, fund, rotate keys, authenticate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Conflict, InvalidInput, NotFound
from core.ledger import service as ledger
from core.money import ZERO, exact_amount
from core.users import repository
from core.users.domain import generate_api_key, hash_api_key, normalise_email
from core.users.models import ApiKey, Role, User


@dataclass(frozen=True)
class CreatedUser:
    """A new user and their API key, shown this once."""

    user: User
    api_key: str

    def __repr__(self) -> str:
        return f"CreatedUser(user={self.user!r})"


def _email(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


async def _issue_key(session: AsyncSession, user: User) -> str:
    new_key = generate_api_key()
    session.add(ApiKey(user_id=user.id, key_hash=new_key.key_hash, prefix=new_key.prefix))
    await session.flush()
    return new_key.plaintext


async def create_user(
    session: AsyncSession,
    email: str,
    *,
    role: Role = Role.CUSTOMER,
    balance: Decimal | int | str = ZERO,
    discount_percent: Decimal | int | str = ZERO,
) -> CreatedUser:
    """Create a user with an API key and, optionally, an opening deposit (a ledger entry)."""
    address = _email(email)
    opening = exact_amount(balance)
    if opening < ZERO:
        raise InvalidInput("balance must not be negative")
    discount = exact_amount(discount_percent)
    if not ZERO <= discount <= 100:
        raise InvalidInput("discount must be between 0 and 100")
    if await repository.by_email(session, address) is not None:
        raise Conflict(f"user {address} already exists")
    user = User(email=address, role=role, balance=ZERO, discount_percent=discount)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"user {address} already exists") from None
    plaintext = await _issue_key(session, user)
    if opening > ZERO:
        await ledger.deposit(session, user.id, opening, key=f"user:{user.id}:opening", memo="opening balance")
        await session.refresh(user)
    return CreatedUser(user, plaintext)


async def get_by_email(session: AsyncSession, email: str) -> User:
    """The user with this email, or NotFound."""
    user = await repository.by_email(session, _email(email))
    if user is None:
        raise NotFound(f"unknown user {email.strip()}")
    return user


async def fund(
    session: AsyncSession,
    email: str,
    value: Decimal | int | str,
    *,
    key: str | None = None,
    memo: str | None = None,
) -> ledger.Posting:
    """Deposit funds into a user's balance; `key` makes a retried call a no-op."""
    user = await get_by_email(session, email)
    return await ledger.deposit(session, user.id, value, key=key or f"deposit:{uuid.uuid4()}", memo=memo)


async def rotate_key(session: AsyncSession, email: str) -> str:
    """Revoke a user's keys and issue a new one; returns the new key, shown once."""
    user = await get_by_email(session, email)
    await repository.revoke_keys(session, user.id)
    return await _issue_key(session, user)


async def authenticate(session: AsyncSession, api_key: str) -> User | None:
    """The owner of an active key, or None. Unknown and revoked keys are indistinguishable."""
    if not api_key or len(api_key) > 200:
        return None
    return await repository.by_key_hash(session, hash_api_key(api_key))
