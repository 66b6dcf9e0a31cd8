"""Named leases in the database: one scheduler leads per database, and periodic jobs take turns.

Both operations are a single conditional UPDATE (plus an INSERT the first time a name is used), so two
processes racing for the same lease cannot both win: on PostgreSQL the second UPDATE waits for the first
row lock and re-checks its WHERE clause; on SQLite writers are serialised by BEGIN IMMEDIATE. Times are
the callers' clocks (UTC); the lease lengths leave ample room for ordinary clock skew between machines.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.types import utcnow
from core.scheduling.models import Lease


async def _insert(session: AsyncSession, name: str, holder: str, expires_at: datetime) -> bool:
    """Create the lease row; False when another process created it first."""
    try:
        async with session.begin_nested():
            session.add(Lease(name=name, holder=holder, expires_at=expires_at))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def acquire(
    session: AsyncSession, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Take or extend the lease `name` for `holder` until now + ttl.

    Succeeds when nobody holds it, when it expired, or when `holder` already holds it (a renewal).
    """
    moment = now or utcnow()
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= moment))
        .values(holder=holder, expires_at=moment + ttl)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) == 1:
        return True
    return await _insert(session, name, holder, moment + ttl)


async def renew(
    session: AsyncSession, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Extend a lease `holder` still holds; False when it was lost to another process."""
    moment = now or utcnow()
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=moment + ttl)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def release(session: AsyncSession, name: str, holder: str) -> None:
    """Give a lease up at once (on a clean shutdown) so another process can lead without waiting."""
    await session.execute(
        delete(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )


async def take_turn(
    session: AsyncSession, name: str, holder: str, interval: timedelta, *, now: datetime | None = None
) -> bool:
    """True at most once per `interval` for `name` across every process sharing the database.

    The lease's expiry is the next time the periodic job is due; whoever moves it forward runs the job.
    Unlike `acquire`, holding it already does not count: a turn is taken only once it is due.
    """
    moment = now or utcnow()
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.expires_at <= moment)
        .values(holder=holder, expires_at=moment + interval)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) == 1:
        return True
    return await _insert(session, name, holder, moment + interval)


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0
