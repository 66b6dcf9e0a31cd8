"""The `panel` entry point: one group, commands registered from their own modules."""

from __future__ import annotations

import sys

import click

from cli.balance_cmd import balance
from cli.catalog_cmd import catalog_group
from cli.doctor_cmd import doctor
from cli.fx_cmd import fx_group
from cli.migrate_cmd import migrate
from cli.orders_cmd import orders_group
from cli.providers_cmd import providers_group
from cli.serve_cmd import serve
from cli.services_cmd import services_group
from cli.users_cmd import users_group
from cli.worker_cmd import worker
from core.logs import configure_logging


@click.group()
@click.version_option(package_name="reseller-panel")
def cli() -> None:
    """reseller-panel: buy SMM services from providers, resell them with markup."""


for command in (
    migrate,
    doctor,
    users_group,
    providers_group,
    fx_group,
    serve,
    worker,
    orders_group,
    catalog_group,
    services_group,
):
    cli.add_command(command)
providers_group.add_command(balance)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error is one line on stderr and exit status 1."""
    configure_logging("WARNING")
    try:
        cli.main(args=argv, prog_name="panel", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
