"""`panel doctor`: check the ledger and catalog invariants."""

from __future__ import annotations

import sys

import click

from cli.runtime import run_in_transaction
from core.db.database import Database
from core.invariants import Violation, check_invariants


@click.command("doctor")
def doctor() -> None:
    """Check that balances equal their ledgers and the catalog is sound; exit 1 on a violation."""

    async def work(db: Database) -> list[Violation]:
        async with db.transaction() as session:
            return await check_invariants(session)

    violations = run_in_transaction(work)
    if not violations:
        click.echo("ok: every balance equals its ledger; order money and catalog are consistent")
        return
    for violation in violations:
        click.echo(f"{violation.check}: {violation.detail}", err=True)
    click.echo(f"{len(violations)} violation(s) found", err=True)
    sys.exit(1)
