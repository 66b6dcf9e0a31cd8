"""The ledger service on both databases: exactly once per key, never below zero, doctor agrees."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.db.database import Database
from core.errors import Conflict, InsufficientFunds, InvalidInput, NotFound
from core.invariants import check_invariants
from core.ledger import service as ledger
from core.ledger.models import EntryKind, LedgerEntry
from core.users.models import User
from tests.factories import make_user

D = Decimal


async def balance_of(db: Database, user_id: int) -> Decimal:
    async with db.transaction() as session:
        return (await session.get(User, user_id)).balance  # type: ignore[union-attr]


async def entry_count(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


async def test_opening_balance_is_a_deposit_entry(db: Database) -> None:
    user, _ = await make_user(db, balance="20")
    assert await balance_of(db, user.id) == D("20.00000")
    async with db.transaction() as session:
        entry = await session.scalar(select(LedgerEntry).where(LedgerEntry.user_id == user.id))
    assert entry is not None
    assert entry.kind is EntryKind.DEPOSIT
    assert entry.amount == D("20.00000")
    assert entry.balance_after == D("20.00000")


async def test_charge_and_refund_apply_once_per_key(db: Database) -> None:
    user, _ = await make_user(db, balance="10")
    for _ in range(3):
        async with db.transaction() as session:
            await ledger.charge(session, user.id, D("2.50000"), key="order:1:charge")
    assert await balance_of(db, user.id) == D("7.50000")
    for _ in range(3):
        async with db.transaction() as session:
            posting = await ledger.refund(session, user.id, D("1.00000"), key="order:1:refund")
    assert not posting.created
    assert await balance_of(db, user.id) == D("8.50000")
    assert await entry_count(db) == 3
    async with db.transaction() as session:
        assert await check_invariants(session) == []


async def test_reusing_a_key_for_a_different_change_is_refused(db: Database) -> None:
    user, _ = await make_user(db, balance="10")
    async with db.transaction() as session:
        await ledger.charge(session, user.id, D("1"), key="k1")
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await ledger.charge(session, user.id, D("2"), key="k1")
    assert await balance_of(db, user.id) == D("9.00000")


async def test_insufficient_funds_changes_nothing(db: Database) -> None:
    user, _ = await make_user(db, balance="1")
    with pytest.raises(InsufficientFunds, match="Not enough funds on balance"):
        async with db.transaction() as session:
            await ledger.charge(session, user.id, D("1.00001"), key="too-much")
    assert await balance_of(db, user.id) == D("1.00000")
    assert await entry_count(db) == 1


async def test_bad_amounts_and_unknown_users(db: Database) -> None:
    user, _ = await make_user(db, balance="1")
    async with db.transaction() as session:
        with pytest.raises(InvalidInput):
            await ledger.deposit(session, user.id, "-5", key="neg")
        with pytest.raises(InvalidInput):
            await ledger.deposit(session, user.id, "0", key="zero")
        with pytest.raises(TypeError):
            await ledger.deposit(session, user.id, 0.5, key="float")  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await ledger.deposit(session, 999_999, "5", key="nobody")
        with pytest.raises(InvalidInput):
            await ledger.adjust(session, user.id, "5", key="adj", memo="  ")
    assert await balance_of(db, user.id) == D("1.00000")


async def test_adjustment_can_debit_but_not_below_zero(db: Database) -> None:
    user, _ = await make_user(db, balance="3")
    async with db.transaction() as session:
        await ledger.adjust(session, user.id, "-2.5", key="adj:1", memo="chargeback")
    with pytest.raises(InsufficientFunds):
        async with db.transaction() as session:
            await ledger.adjust(session, user.id, "-0.50001", key="adj:2", memo="too much")
    assert await balance_of(db, user.id) == D("0.50000")


async def test_money_round_trips_exactly(db: Database) -> None:
    user, _ = await make_user(db, balance="0.1")
    for index in range(10):
        async with db.transaction() as session:
            await ledger.deposit(session, user.id, "0.1", key=f"dep:{index}")
    assert await balance_of(db, user.id) == D("1.10000")
    async with db.transaction() as session:
        total = await session.scalar(select(func.sum(LedgerEntry.amount)))
    assert total == D("1.10000")


async def test_doctor_names_a_user_whose_balance_was_tampered_with(db: Database) -> None:
    await make_user(db, "honest@example.com", balance="5")
    victim, _ = await make_user(db, "victim@example.com", balance="5")
    async with db.transaction() as session:
        (await session.get(User, victim.id)).balance = D("6")  # type: ignore[union-attr]
    async with db.transaction() as session:
        violations = await check_invariants(session)
    assert [v.check for v in violations] == ["balance"]
    assert "victim@example.com" in violations[0].detail
    assert "honest@example.com" not in violations[0].detail


@pytest.mark.postgres
async def test_fifty_concurrent_debits_against_twenty(pg_db: Database) -> None:
    user, _ = await make_user(pg_db, balance="20.00")

    async def debit(index: int) -> bool:
        try:
            async with pg_db.transaction() as session:
                await ledger.charge(session, user.id, D("1.00"), key=f"debit:{index}")
        except InsufficientFunds:
            return False
        return True

    results = await asyncio.gather(*(debit(i) for i in range(50)))
    assert sum(results) == 20
    assert await balance_of(pg_db, user.id) == D("0.00000")
    async with pg_db.transaction() as session:
        assert await check_invariants(session) == []
        total = await session.scalar(
            select(func.sum(LedgerEntry.amount)).where(LedgerEntry.user_id == user.id)
        )
    assert total == D("0.00000")


@pytest.mark.postgres
async def test_same_charge_key_twice_concurrently_charges_once(pg_db: Database) -> None:
    user, _ = await make_user(pg_db, balance="10")

    async def charge_once() -> bool:
        async with pg_db.transaction() as session:
            posting = await ledger.charge(session, user.id, D("3"), key="order:42:charge")
            await asyncio.sleep(0.05)  # hold the transaction open so the two really overlap
            return posting.created

    for _ in range(5):
        created = await asyncio.gather(charge_once(), charge_once(), charge_once())
        assert await balance_of(pg_db, user.id) == D("7.00000")
    assert created.count(True) == 0  # later rounds only replay
    async with pg_db.transaction() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.idempotency_key == "order:42:charge")
        )
        assert await check_invariants(session) == []
    assert count == 1


async def test_same_key_concurrently_on_either_database(db: Database) -> None:
    user, _ = await make_user(db, balance="10")

    async def charge_once() -> bool:
        async with db.transaction() as session:
            return (await ledger.charge(session, user.id, D("4"), key="order:7:charge")).created

    created = await asyncio.gather(*(charge_once() for _ in range(8)))
    assert created.count(True) == 1
    assert await balance_of(db, user.id) == D("6.00000")


async def test_a_retried_charge_is_answered_even_when_the_balance_no_longer_covers_it(db: Database) -> None:
    user, _ = await make_user(db, balance="5")
    async with db.transaction() as session:
        first = await ledger.charge(session, user.id, D("4"), key="order:9:charge")
    async with db.transaction() as session:
        again = await ledger.charge(session, user.id, D("4"), key="order:9:charge")
    assert again.entry.id == first.entry.id
    assert not again.created
    assert await balance_of(db, user.id) == D("1.00000")


async def test_a_replayed_refund_leaves_the_balance_as_it_was(db: Database) -> None:
    user, _ = await make_user(db, balance="5")
    async with db.transaction() as session:
        await ledger.refund(session, user.id, D("2"), key="order:3:refund")
    async with db.transaction() as session:
        replay = await ledger.refund(session, user.id, D("2"), key="order:3:refund")
        # inside the same transaction the reversed update is already netted out
        assert (await session.get(User, user.id)).balance == D("7.00000")  # type: ignore[union-attr]
    assert not replay.created
    assert await balance_of(db, user.id) == D("7.00000")
    async with db.transaction() as session:
        assert await check_invariants(session) == []
