"""Running a fake provider on a free loopback port, for this and other test suites.

    async with running_fake_provider("seed", api_key="k") as fake:
        adapter = SmmV2Adapter(base_url=fake.url, api_key="k", http=client, timeout=5)
        fake.control.set_faults(hang_add=True)

`running_fake_provider` serves from the current event loop; `fake_provider_in_thread` runs its own loop
in a thread, for synchronous tests and for code that blocks its loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass

import uvicorn

from providers.fake_server.app import FakeProviderApp
from providers.fake_server.book import BookSettings
from providers.fake_server.control import FakeProviderControl
from providers.fake_server.dialects import Dialect

STOP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class FakeProviderHandle:
    """Where a running fake provider listens, and its in-process control object."""

    url: str  # the API endpoint, http://127.0.0.1:PORT/api/v2
    base_url: str  # http://127.0.0.1:PORT, for /_control/* requests
    port: int
    control: FakeProviderControl


class _QuietServer(uvicorn.Server):
    """uvicorn without signal handling: a test's Ctrl-C must stop the tests, not just this server."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def build_server(app: FakeProviderApp, *, handle_signals: bool = False) -> uvicorn.Server:
    """A uvicorn server for `app` that leaves global logging alone and stops quickly; it handles
    SIGINT/SIGTERM only when asked (the command line does, tests do not)."""
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
    )
    return uvicorn.Server(config) if handle_signals else _QuietServer(config)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening non-blocking TCP socket; port 0 picks a free port (read it from `getsockname`)."""
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
    # without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # a benchmark opens many connections at once
    sock.setblocking(False)
    return sock


def _control(
    dialect: Dialect | str, api_key: str | None, settings: BookSettings | None
) -> FakeProviderControl:
    return FakeProviderControl(dialect=dialect, api_key=api_key, settings=settings)


def _handle(sock: socket.socket, control: FakeProviderControl) -> FakeProviderHandle:
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    return FakeProviderHandle(url=f"{base}/api/v2", base_url=base, port=port, control=control)


@contextlib.asynccontextmanager
async def running_fake_provider(
    dialect: Dialect | str = Dialect.PERFECTPANEL,
    *,
    api_key: str | None = None,
    settings: BookSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[FakeProviderHandle]:
    """Serve a fake provider from the running event loop for the duration of the `async with`."""
    control = _control(dialect, api_key, settings)
    sock = bind_socket(host, port)
    server = build_server(FakeProviderApp(control))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # surface the startup error
                raise RuntimeError("fake provider stopped during startup")
            await asyncio.sleep(0.01)
        yield _handle(sock, control)
    finally:
        control.released.set()
        server.should_exit = True
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT_SECONDS)
        finally:
            sock.close()


@contextlib.contextmanager
def fake_provider_in_thread(
    dialect: Dialect | str = Dialect.PERFECTPANEL,
    *,
    api_key: str | None = None,
    settings: BookSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[FakeProviderHandle]:
    """Serve a fake provider from a background thread with its own event loop."""
    control = _control(dialect, api_key, settings)
    sock = bind_socket(host, port)
    server = build_server(FakeProviderApp(control))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # reported to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="fake-provider", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("fake provider stopped during startup") from (
                    failure[0] if failure else None
                )
            threading.Event().wait(0.01)
        yield _handle(sock, control)
    finally:
        control.released.set()
        server.should_exit = True
        thread.join(STOP_TIMEOUT_SECONDS)
        sock.close()
