"""`panel serve`: the HTTP API under uvicorn, with whatever runs beside it in this process."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import click
import uvicorn
from litestar import Litestar

from api.app import Lifespan, create_app
from cli.demo import seed_demo
from cli.providers_cmd import adapter_registry
from cli.runtime import ensure_schema, settings
from core.db.database import Database
from core.errors import DomainError
from core.logs import configure_logging
from core.settings import Settings

# Query-string parameters that carry a customer's API key (`key`, and `api` on some clients).
_SECRET_QUERY = re.compile(r"(?i)([?&](?:key|api|api_key|apikey|token)=)[^&\s]*")


class RedactKeysInAccessLog(logging.Filter):
    """uvicorn logs each request's path with its query string; a GET /api/v2 carries the key there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            path = record.args[2]
            if isinstance(path, str):
                record.args = (*record.args[:2], _SECRET_QUERY.sub(r"\1***", path), *record.args[3:])
        return True


def _disposing(db: Database) -> Lifespan:
    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await db.dispose()

    return lifespan


def build_application(config: Settings) -> Litestar:
    """The application `panel serve` runs: the API, plus the background services of this process.

    Each background service is a lifespan context manager in `background`: it starts before the first
    request and stops after the last one, before the database is disposed (entered in list order,
    exited in reverse).
    """
    from workers.embedded import serve_lifespan  # Dramatiq and its brokers load only when serving

    db = Database(config.database_url)
    background: list[Lifespan] = [_disposing(db), serve_lifespan(db, config, registry=adapter_registry())]
    return create_app(db, config, lifespan=background)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _seed_demo(config: Settings) -> None:
    registry = adapter_registry()

    async def run() -> Any:
        db = Database(config.database_url)
        try:
            return await seed_demo(db, registry, config)
        finally:
            await db.dispose()

    try:
        seeded = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(f"cannot set up the demo: {exc}") from None
    click.echo(
        f"demo: provider 'demo-sim' (simulated), {seeded.services_on_sale} services on sale "
        f"({seeded.services_imported_now} imported now), customer {seeded.email} "
        f"with balance {seeded.balance}"
    )
    click.echo(f"demo API key: {seeded.api_key}")


@click.command("serve")
@click.option("--host", default=None, help="interface to listen on (default: PANEL_HOST, 127.0.0.1)")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(0, 65535),
    help="port (default: PANEL_PORT, 8000; 0 picks one)",
)
@click.option("--demo", is_flag=True, help="seed a simulated provider, its services and a demo customer")
def serve(host: str | None, port: int | None, demo: bool) -> None:
    """Serve the SMM API v2 at http://HOST:PORT/api/v2.

    On the embedded SQLite database the schema is migrated first; PostgreSQL needs `panel migrate`.
    """
    config = settings()
    try:
        ensure_schema(config.database_url)
    except OSError as exc:
        raise click.ClickException(f"cannot prepare the database: {exc}") from None
    if demo:
        _seed_demo(config)
    sock = _bind(host or config.host, config.port if port is None else port)
    bound_host, bound_port = sock.getsockname()[:2]
    configure_logging(config.log_level, json=config.log_json)
    server = uvicorn.Server(
        uvicorn.Config(
            build_application(config),
            log_level=config.log_level.lower(),
            access_log=True,
            proxy_headers=False,
            timeout_graceful_shutdown=10,
        )
    )
    logging.getLogger("uvicorn.access").addFilter(RedactKeysInAccessLog())
    database = "SQLite" if config.is_sqlite else "PostgreSQL"
    click.echo(
        f"serving http://{bound_host}:{bound_port}/api/v2 "
        f"(dialect {config.api_dialect}, currency {config.currency}, {database})"
    )
    click.echo(
        f"REST API http://{bound_host}:{bound_port}/api, OpenAPI http://{bound_host}:{bound_port}/schema"
    )
    server.run(sockets=[sock])
