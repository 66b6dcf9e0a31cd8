"""One process's worker machinery: broker, resources, actors and the job sender, wired together."""

from __future__ import annotations

from dramatiq import Worker

from core.settings import Settings
from providers.registry import AdapterRegistry
from workers.actors import PanelActors, declare_actors
from workers.broker import build_broker
from workers.resources import PanelResources
from workers.sender import BrokerJobSender

STOP_TIMEOUT_MS = 30_000


class WorkerRuntime:
    """Builds the broker for the settings, declares the actors on it and (optionally) runs a worker.

    A process that only sends jobs (the API with a real broker, the CLI) builds one and never starts it.
    """

    def __init__(self, settings: Settings, *, registry: AdapterRegistry | None = None) -> None:
        self.settings = settings
        self.resources = PanelResources(settings, registry=registry)
        self.broker = build_broker(
            settings.broker_url, namespace=settings.broker_namespace, extra_middleware=[self.resources]
        )
        self.sender = BrokerJobSender(self.broker)
        self.resources.job_sender = self.sender
        self.actors: PanelActors = declare_actors(self.broker, self.resources, settings)
        self._worker: Worker | None = None

    def start_worker(self, threads: int | None = None) -> None:
        """Start consuming in background threads (Dramatiq allows one worker per process)."""
        if self._worker is not None:
            raise RuntimeError("the worker is already running")
        self._worker = Worker(self.broker, worker_threads=threads or self.settings.worker_threads)
        self._worker.start()

    def stop_worker(self, timeout_ms: int = STOP_TIMEOUT_MS) -> None:
        """Stop consuming: running jobs finish (each provider call has its deadline), unstarted ones go back."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout=timeout_ms)

    def join(self) -> None:
        """Wait until every queued message was processed (tests with the stub broker)."""
        if self._worker is not None:
            self._worker.join()

    def close(self) -> None:
        """Stop the worker if running and close the broker's connections."""
        self.stop_worker()
        self.broker.close()

    def __repr__(self) -> str:
        return f"WorkerRuntime(broker={type(self.broker).__name__}, running={self._worker is not None})"
