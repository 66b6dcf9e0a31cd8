"""What actors share inside one worker process: the database, the one HTTP client, the adapter factory.

`PanelResources` is Dramatiq middleware: it opens them on the AsyncIO middleware's event loop before the
worker threads take messages, and closes them after the worker stopped. Actors run on that same loop, so
the database engine and the HTTP client's connection pools belong to it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx
from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread, set_event_loop_thread
from dramatiq.middleware import Middleware, MiddlewareError

from core.connections.adapters import AdapterFactory, new_http_client
from core.db.database import Database
from core.jobs import JobSender
from core.settings import Settings
from providers.registry import AdapterRegistry, allow_deny_from_env, load_adapters


def adapter_registry_from_env() -> AdapterRegistry:
    """Built-in and installed adapters, filtered by PANEL_PLUGINS / PANEL_PLUGINS_DENY."""
    allow, deny = allow_deny_from_env(os.environ)
    return load_adapters(allow=allow, deny=deny)


class ResourcesError(MiddlewareError):
    """The worker's database, HTTP client or adapters could not be set up."""


@dataclass(frozen=True)
class Resources:
    """The open resources an actor uses."""

    settings: Settings
    db: Database
    http: httpx.AsyncClient
    adapters: AdapterFactory


class PanelResources(Middleware):
    """Opens and closes the worker process's database and HTTP client around the worker's life."""

    def __init__(
        self,
        settings: Settings,
        *,
        registry: AdapterRegistry | None = None,
        job_sender: JobSender | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.job_sender = job_sender
        self._open: Resources | None = None

    def before_worker_boot(self, broker: Broker, worker: Worker) -> None:
        """Open the resources on the event loop thread (the AsyncIO middleware started it just before).

        A failure stops the worker from starting (Dramatiq only re-raises `MiddlewareError`s here; any
        other error would be logged and the worker would run actors without resources).
        """
        loop_thread = get_event_loop_thread()
        if loop_thread is None:
            raise ResourcesError("PanelResources needs the AsyncIO middleware before it")
        try:
            loop_thread.run_coroutine(self.open())
        except Exception as exc:
            # The worker will not start, so nobody would stop the loop thread AsyncIO just started.
            loop_thread.stop()  # type: ignore[no-untyped-call]
            set_event_loop_thread(None)
            raise ResourcesError(f"cannot open the worker's resources: {type(exc).__name__}: {exc}") from exc

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        """Close them while the event loop still runs (after_* hooks run in reverse middleware order)."""
        loop_thread = get_event_loop_thread()
        if loop_thread is not None and self._open is not None:
            loop_thread.run_coroutine(self.close())

    async def open(self) -> Resources:
        """Create the database, the HTTP client and the adapter factory (idempotent)."""
        if self._open is None:
            registry = self.registry if self.registry is not None else adapter_registry_from_env()
            timeout = self.settings.provider_timeout_seconds
            http = new_http_client(timeout)
            db = Database(self.settings.database_url, job_sender=self.job_sender)
            self._open = Resources(self.settings, db, http, AdapterFactory(registry, http, timeout))
        return self._open

    async def close(self) -> None:
        """Close the HTTP client and dispose of the database's connections."""
        opened, self._open = self._open, None
        if opened is not None:
            await opened.http.aclose()
            await opened.db.dispose()

    def ready(self) -> Resources:
        """The open resources; an actor running before they opened is a bug in the start-up order."""
        if self._open is None:
            raise RuntimeError("worker resources are not open")
        return self._open

    def __repr__(self) -> str:
        return f"PanelResources(open={self._open is not None})"
