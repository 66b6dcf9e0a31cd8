"""`panel migrate`: bring the configured database to the latest schema."""

from __future__ import annotations

import click
from sqlalchemy.exc import DBAPIError

from cli.runtime import settings
from migrations import runner


@click.command("migrate")
def migrate() -> None:
    """Apply migrations to the configured database."""
    url = settings().database_url
    try:
        runner.upgrade(url)
    except (OSError, DBAPIError) as exc:
        raise click.ClickException(
            f"cannot migrate the database: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from None
    click.echo("database is at the latest migration")
