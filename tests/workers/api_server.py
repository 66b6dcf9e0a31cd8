"""The panel's API served from the test's event loop on a free loopback port, and a tiny API v2 client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Generator
from typing import Any

import httpx
import uvicorn

from api.app import create_app
from core.db.database import Database
from core.settings import Settings
from providers.fake_server.runner import bind_socket


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@contextlib.asynccontextmanager
async def serving_api(db: Database, settings: Settings) -> AsyncIterator[str]:
    """Serve `create_app(db, settings)`; yields the /api/v2 URL."""
    sock = bind_socket("127.0.0.1", 0)
    server = _QuietServer(
        uvicorn.Config(create_app(db, settings), lifespan="on", log_config=None, log_level="warning")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


class SmmClient:
    """Calls /api/v2 the way the standard PHP client does: form POSTs with key and action."""

    def __init__(self, http: httpx.AsyncClient, url: str, key: str) -> None:
        self.http, self.url, self.key = http, url, key

    async def call(self, action: str, **params: Any) -> Any:
        """One action; returns the decoded JSON."""
        response = await self.http.post(self.url, data={"key": self.key, "action": action, **params})
        assert response.status_code == 200, response.text
        return response.json()
