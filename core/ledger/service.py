"""Balance changes as named use cases, each applied at most once per idempotency key.

Two statements in the common case: one conditional UPDATE of the balance (`... WHERE balance + delta
>= 0 RETURNING balance`, so the balance never goes below zero; a CHECK constraint backs that up) and one
`INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING` of the entry.

How exactly-once holds under races: a second writer with the same key blocks on the user's row
(PostgreSQL) or the database lock (SQLite) until the first commits; its insert then finds the key taken,
so it reverses its own balance update in the same transaction and returns the entry the first writer
committed. A retry whose debit no longer fits the balance finds its entry by key and is answered the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Conflict, InsufficientFunds, InvalidInput, NotFound
from core.ledger import repository
from core.ledger.models import EntryKind, LedgerEntry
from core.money import ZERO, exact_amount


@dataclass(frozen=True)
class Posting:
    """The result of a ledger call: the entry, and whether this call created it."""

    entry: LedgerEntry
    created: bool


async def _post(
    session: AsyncSession,
    *,
    user_id: int,
    kind: EntryKind,
    delta: Decimal,
    key: str,
    order_id: int | None = None,
    memo: str | None = None,
) -> Posting:
    if delta == ZERO:
        raise InvalidInput("amount must not be zero")
    balance_after = await repository.apply_delta(session, user_id, delta)
    if balance_after is None:
        existing = await repository.entry_by_key(session, key)
        if existing is not None:
            return _replay(existing, user_id=user_id, kind=kind, delta=delta)
        if not await repository.user_exists(session, user_id):
            raise NotFound(f"unknown user {user_id}")
        raise InsufficientFunds()
    entry = await repository.insert_entry(
        session,
        user_id=user_id,
        kind=kind,
        amount=delta,
        balance_after=balance_after,
        order_id=order_id,
        idempotency_key=key,
        memo=memo,
    )
    if entry is None:
        # The key was used first (a retry, or a concurrent twin that committed while we waited for the
        # user's row). Take our balance change back inside this same transaction, so no committed state
        # ever shows a change without its entry, and answer as the first call did.
        await repository.apply_delta(session, user_id, -delta)
        existing = await repository.entry_by_key(session, key)
        if existing is None:  # impossible: the conflict was on this key
            raise RuntimeError(f"ledger key {key!r} conflicted but cannot be read")
        return _replay(existing, user_id=user_id, kind=kind, delta=delta)
    return Posting(entry, created=True)


def _replay(existing: LedgerEntry, *, user_id: int, kind: EntryKind, delta: Decimal) -> Posting:
    """A repeated call with the same key: the same request is a no-op, a different one is refused."""
    if existing.user_id != user_id or existing.kind != kind or existing.amount != delta:
        raise Conflict(f"idempotency key {existing.idempotency_key!r} was already used for another change")
    return Posting(existing, created=False)


def _positive(value: Decimal | int | str) -> Decimal:
    money = exact_amount(value)
    if money <= ZERO:
        raise InvalidInput("amount must be positive")
    return money


async def deposit(
    session: AsyncSession, user_id: int, value: Decimal | int | str, *, key: str, memo: str | None = None
) -> Posting:
    """Add funds a customer paid for."""
    return await _post(
        session, user_id=user_id, kind=EntryKind.DEPOSIT, delta=_positive(value), key=key, memo=memo
    )


async def charge(
    session: AsyncSession, user_id: int, value: Decimal, *, key: str, order_id: int | None = None
) -> Posting:
    """Debit an order's charge; raises InsufficientFunds when the balance does not cover it."""
    return await _post(
        session, user_id=user_id, kind=EntryKind.CHARGE, delta=-_positive(value), key=key, order_id=order_id
    )


async def refund(
    session: AsyncSession,
    user_id: int,
    value: Decimal,
    *,
    key: str,
    order_id: int | None = None,
    memo: str | None = None,
) -> Posting:
    """Credit back money for an order that was not (fully) delivered."""
    return await _post(
        session,
        user_id=user_id,
        kind=EntryKind.REFUND,
        delta=_positive(value),
        key=key,
        order_id=order_id,
        memo=memo,
    )


async def adjust(
    session: AsyncSession, user_id: int, value: Decimal | int | str, *, key: str, memo: str
) -> Posting:
    """A manual correction by an admin, positive or negative, with a reason."""
    delta = exact_amount(value)
    if not memo.strip():
        raise InvalidInput("an adjustment needs a reason")
    return await _post(session, user_id=user_id, kind=EntryKind.ADJUSTMENT, delta=delta, key=key, memo=memo)
