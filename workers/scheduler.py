"""The periodic scheduler: status sync, catalog sync, balance check and sweep, at intervals from settings.

Any number of processes may run it (every `panel worker`, and `panel serve` in embedded mode); the
`leases` table makes exactly one of them the leader per database, and only the leader fires jobs.
When the leader dies its lease expires after `lease_seconds` and another process takes over.

Each periodic job's next due time is itself a lease row (`periodic:<job>`), so a new leader continues
the schedule instead of firing everything at once, and two leaders (clock trouble) still cannot fire the
same turn twice. A job's messages are sent inside the transaction that takes the turn: if the broker is
down the send fails, the transaction rolls back, and the turn is tried again at the next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import structlog
from dramatiq import Actor
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.connections.models import ProviderConnection
from core.db.database import Database
from core.scheduling import service as leases
from core.settings import Settings
from workers.actors import PanelActors

log = structlog.get_logger(__name__)

LEADER_LEASE = "scheduler"
TICK_SECONDS = 1.0


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class PeriodicJob:
    """A job fired every `interval`, once per provider of the kind named (or once, for "none")."""

    interval: timedelta
    fire: Callable[[list[int]], None]
    providers: Literal["all", "enabled", "none"]


async def _provider_ids(session: AsyncSession, which: str) -> list[int]:
    if which == "none":
        return []
    query = select(ProviderConnection.id).order_by(ProviderConnection.id)
    if which == "enabled":
        query = query.where(ProviderConnection.enabled.is_(True))
    return list(await session.scalars(query))


class Scheduler:
    """Fires the periodic jobs while this process holds the scheduler lease."""

    def __init__(
        self,
        db: Database,
        actors: PanelActors,
        settings: Settings,
        *,
        tick_seconds: float = TICK_SECONDS,
        lease_seconds: float | None = None,
        holder: str | None = None,
    ) -> None:
        self.db = db
        self.actors = actors
        self.holder = holder or _holder()
        self.tick_seconds = tick_seconds
        self.lease = timedelta(seconds=lease_seconds or max(15.0, 5 * tick_seconds))
        # Status sync follows orders at disabled providers too (they may still end Partial and owe a
        # refund); catalog and balance checks concern only providers that can take new orders.
        self.jobs: dict[str, PeriodicJob] = {
            "status_sync": PeriodicJob(
                timedelta(seconds=settings.status_sync_seconds),
                self._per_provider(actors.sync_statuses),
                "all",
            ),
            "catalog_sync": PeriodicJob(
                timedelta(seconds=settings.catalog_sync_seconds),
                self._per_provider(actors.sync_catalog),
                "enabled",
            ),
            "balance_check": PeriodicJob(
                timedelta(seconds=settings.balance_check_seconds),
                self._per_provider(actors.check_balance),
                "enabled",
            ),
            "sweep": PeriodicJob(timedelta(seconds=settings.sweep_seconds), self._once(actors.sweep), "none"),
        }
        self.is_leader = False

    @staticmethod
    def _per_provider(actor: Actor[Any, Any]) -> Callable[[list[int]], None]:
        def fire(provider_ids: list[int]) -> None:
            for provider_id in provider_ids:
                actor.send(provider_id)

        return fire

    @staticmethod
    def _once(actor: Actor[Any, Any]) -> Callable[[list[int]], None]:
        def fire(_provider_ids: list[int]) -> None:
            actor.send()

        return fire

    async def tick(self) -> list[str]:
        """Renew or take leadership, then fire every job that is due; returns the jobs fired."""
        async with self.db.transaction() as session:
            leader = await leases.acquire(session, LEADER_LEASE, self.holder, self.lease)
        if leader != self.is_leader:
            log.info("scheduler_leadership", leader=leader, holder=self.holder)
            self.is_leader = leader
        if not leader:
            return []
        fired = []
        for name, job in self.jobs.items():
            try:
                async with self.db.transaction() as session:
                    if not await leases.take_turn(session, f"periodic:{name}", self.holder, job.interval):
                        continue
                    job.fire(await _provider_ids(session, job.providers))
            except Exception as exc:  # broker or database down: the turn rolls back and is retried
                log.warning("scheduler_fire_failed", job=name, error=f"{type(exc).__name__}: {exc}")
                continue
            fired.append(name)
        return fired

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until `stop` is set, then hand the leadership back at once."""
        try:
            while not stop.is_set():
                try:
                    await self.tick()
                except Exception as exc:  # the database may be restarting; keep trying
                    log.warning("scheduler_tick_failed", error=f"{type(exc).__name__}: {exc}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.tick_seconds)
        finally:
            await self.resign()

    async def resign(self) -> None:
        """Release the leader lease (best effort) so another process leads without waiting for expiry."""
        if not self.is_leader:
            return
        self.is_leader = False
        try:
            async with self.db.transaction() as session:
                await leases.release(session, LEADER_LEASE, self.holder)
        except Exception as exc:
            log.warning("scheduler_resign_failed", error=type(exc).__name__)
