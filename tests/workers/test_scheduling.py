"""Leases: one scheduler leads per database, periodic turns are taken once, even under races."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from core.connections.adapters import AdapterFactory
from core.connections.models import ProviderConnection
from core.db.database import Database
from core.db.types import utcnow
from core.scheduling import service as leases
from core.settings import Settings
from providers.fake_server import FakeProviderHandle
from providers.registry import AdapterRegistry
from tests.workers.builders import add_provider
from workers.runtime import WorkerRuntime
from workers.scheduler import Scheduler

TTL = timedelta(seconds=30)


async def test_a_lease_has_one_holder_until_it_expires(db: Database) -> None:
    now = utcnow()
    async with db.transaction() as session:
        assert await leases.acquire(session, "scheduler", "a", TTL, now=now)
    async with db.transaction() as session:
        assert not await leases.acquire(session, "scheduler", "b", TTL, now=now + timedelta(seconds=10))
        assert await leases.acquire(session, "scheduler", "a", TTL, now=now + timedelta(seconds=10))
        assert await leases.renew(session, "scheduler", "a", TTL, now=now + timedelta(seconds=20))
        assert not await leases.renew(session, "scheduler", "b", TTL, now=now + timedelta(seconds=20))
    async with db.transaction() as session:  # a's last renewal runs out at +50 s
        assert await leases.acquire(session, "scheduler", "b", TTL, now=now + timedelta(seconds=51))
        assert not await leases.renew(session, "scheduler", "a", TTL, now=now + timedelta(seconds=52))
        await leases.release(session, "scheduler", "b")
        assert await leases.acquire(session, "scheduler", "a", TTL, now=now + timedelta(seconds=53))


async def test_a_periodic_turn_is_taken_once_per_interval(db: Database) -> None:
    now = utcnow()
    every = timedelta(seconds=60)
    async with db.transaction() as session:
        assert await leases.take_turn(session, "periodic:sweep", "a", every, now=now)
        assert not await leases.take_turn(
            session, "periodic:sweep", "a", every, now=now + timedelta(seconds=59)
        )
        assert not await leases.take_turn(
            session, "periodic:sweep", "b", every, now=now + timedelta(seconds=59)
        )
        assert await leases.take_turn(session, "periodic:sweep", "b", every, now=now + timedelta(seconds=61))


async def test_racing_processes_elect_exactly_one_leader(pg_db: Database) -> None:
    async def contender(name: str) -> bool:
        async with pg_db.transaction() as session:
            return await leases.acquire(session, "scheduler", name, TTL)

    results = await asyncio.gather(*(contender(f"p{i}") for i in range(12)))
    assert sum(results) == 1


async def test_racing_turns_fire_once(pg_db: Database) -> None:
    async def contender(name: str) -> bool:
        async with pg_db.transaction() as session:
            return await leases.take_turn(session, "periodic:catalog_sync", name, timedelta(hours=1))

    results = await asyncio.gather(*(contender(f"p{i}") for i in range(12)))
    assert sum(results) == 1


async def test_only_the_leader_fires_and_each_job_once_per_interval(
    db: Database,
    registry: AdapterRegistry,
    adapters: AdapterFactory,
    settings: Settings,
    fake: FakeProviderHandle,
) -> None:
    await add_provider(db, registry, adapters, settings, name="alpha", url=fake.url)
    await add_provider(db, registry, adapters, settings, name="retired", url=fake.url)
    async with db.transaction() as session:
        await session.execute(
            update(ProviderConnection).where(ProviderConnection.name == "retired").values(enabled=False)
        )
    runtime = WorkerRuntime(settings.model_copy(update={"database_url": db.url}), registry=registry)
    try:
        leader = Scheduler(db, runtime.actors, settings, holder="leader")
        follower = Scheduler(db, runtime.actors, settings, holder="follower")

        assert sorted(await leader.tick()) == ["balance_check", "catalog_sync", "status_sync", "sweep"]
        assert await follower.tick() == []
        assert await leader.tick() == []  # nothing due again yet

        queues = {
            name: runtime.broker.queues[name].qsize() for name in ("paneltest.sync", "paneltest.maintenance")
        }
        # Status sync for both providers (a disabled one's orders are still followed), catalog sync and
        # the balance check for the enabled one only, and one sweep.
        assert queues == {"paneltest.sync": 3, "paneltest.maintenance": 2}

        await leader.resign()
        assert sorted(await follower.tick()) == []  # the schedule continues: nothing is due yet
        assert follower.is_leader
    finally:
        runtime.close()
