"""`panel users ...`: create customers and admins, fund them, rotate their keys."""

from __future__ import annotations

import uuid

import click

from cli.runtime import parse_amount, run_in_transaction
from core.db.database import Database
from core.users import repository as users_repository
from core.users import service as users
from core.users.models import Role


@click.group("users")
def users_group() -> None:
    """Customers and admins."""


@users_group.command("create")
@click.argument("email")
@click.option("--balance", default="0", help="opening balance, in the panel currency")
@click.option("--discount", default="0", help="discount percent on every price")
@click.option("--admin", is_flag=True, help="create an admin instead of a customer")
def create(email: str, balance: str, discount: str, admin: bool) -> None:
    """Create a user; the new API key is the last line of the output."""
    opening = parse_amount(balance, allow_zero=True)
    discount_pct = parse_amount(discount, allow_zero=True)

    async def work(db: Database) -> users.CreatedUser:
        async with db.transaction() as session:
            return await users.create_user(
                session,
                email,
                role=Role.ADMIN if admin else Role.CUSTOMER,
                balance=opening,
                discount_percent=discount_pct,
            )

    created = run_in_transaction(work)
    click.echo(
        f"created {created.user.role.value} {created.user.email} (id {created.user.id}), balance {created.user.balance}"
    )
    click.echo("API key (shown once):")
    click.echo(created.api_key)


# ignore_unknown_options: a negative amount ("-5") reaches the amount check instead of looking like an option.
@users_group.command("fund", context_settings={"ignore_unknown_options": True})
@click.argument("email")
@click.argument("amount")
@click.option("--memo", default=None, help="a note stored on the ledger entry")
@click.option(
    "--key", "idempotency_key", default=None, help="idempotency key: repeating the call with it is a no-op"
)
def fund(email: str, amount: str, memo: str | None, idempotency_key: str | None) -> None:
    """Deposit AMOUNT into a user's balance."""
    value = parse_amount(amount)
    key = f"deposit:cli:{idempotency_key}" if idempotency_key else f"deposit:cli:{uuid.uuid4()}"

    async def work(db: Database) -> tuple[str, bool]:
        async with db.transaction() as session:
            posting = await users.fund(session, email, value, key=key, memo=memo)
            return str(posting.entry.balance_after), posting.created

    balance, created = run_in_transaction(work)
    note = "" if created else " (already applied; nothing changed)"
    click.echo(f"{email.strip().lower()} balance {balance}{note}")


@users_group.command("list")
def list_users() -> None:
    """Every user with role, balance and discount."""

    async def work(db: Database) -> list[tuple[int, str, str, str, str]]:
        async with db.transaction() as session:
            return [
                (u.id, u.email, u.role.value, str(u.balance), str(u.discount_percent.normalize()))
                for u in await users_repository.list_users(session, limit=100_000)
            ]

    rows = run_in_transaction(work)
    click.echo(f"{'ID':>6}  {'EMAIL':<40} {'ROLE':<9} {'BALANCE':>16} {'DISCOUNT%':>9}")
    for user_id, email, role, balance, discount in rows:
        click.echo(f"{user_id:>6}  {email:<40} {role:<9} {balance:>16} {discount:>9}")


@users_group.group("key")
def key_group() -> None:
    """API keys."""


@key_group.command("rotate")
@click.argument("email")
def rotate(email: str) -> None:
    """Revoke a user's keys and issue a new one (the last line of the output)."""

    async def work(db: Database) -> str:
        async with db.transaction() as session:
            return await users.rotate_key(session, email)

    new_key = run_in_transaction(work)
    click.echo("old keys revoked; new API key (shown once):")
    click.echo(new_key)
