"""The caller's account: balance, currency, discount and ledger history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.rest.auth import Principal
from api.rest.context import RestContext
from api.rest.deps import PAGE, PRINCIPAL
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import amount_text, percent_text
from core.ledger.models import EntryKind, LedgerEntry
from core.ledger.queries import entries_page
from core.pagination import PageRequest
from core.users.admin import user_by_id


class AccountOut(msgspec.Struct, frozen=True):
    """The caller's account. Money is in `currency`, as decimal strings."""

    id: int
    email: str
    role: str
    balance: str
    currency: str
    discount_percent: str
    created_at: datetime


class LedgerEntryOut(msgspec.Struct, frozen=True):
    """One balance change: signed `amount`, the balance after it, and the order it belongs to, if any."""

    id: int
    kind: str
    amount: str
    balance_after: str
    order_id: int | None
    memo: str | None
    created_at: datetime


def ledger_entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    """The schema of a ledger entry."""
    return LedgerEntryOut(
        id=entry.id,
        kind=entry.kind.value,
        amount=amount_text(entry.amount),
        balance_after=amount_text(entry.balance_after),
        order_id=entry.order_id,
        memo=entry.memo,
        created_at=entry.created_at,
    )


KindFilter = Annotated[EntryKind | None, QueryParameter(description="only entries of this kind")]


class AccountController(Controller):
    """The caller's own account."""

    path = "/account"
    tags = ["account"]
    dependencies = {"principal": PRINCIPAL, "paging": PAGE}

    @get("/", operation_id="getAccount", responses=ERROR_RESPONSES)
    async def get_account(
        self, ctx: NamedDependency[RestContext], principal: NamedDependency[Principal]
    ) -> AccountOut:
        """Balance, currency and discount of the caller."""
        async with ctx.db.transaction() as session:
            user = await user_by_id(session, principal.user_id)
            return AccountOut(
                id=user.id,
                email=user.email,
                role=user.role.value,
                balance=amount_text(user.balance),
                currency=ctx.settings.currency,
                discount_percent=percent_text(user.discount_percent),
                created_at=user.created_at,
            )

    @get("/ledger", operation_id="listLedgerEntries", responses=ERROR_RESPONSES)
    async def list_ledger(
        self,
        ctx: NamedDependency[RestContext],
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        kind: KindFilter = None,
    ) -> PageOut[LedgerEntryOut]:
        """The caller's balance changes, newest first."""
        async with ctx.db.transaction() as session:
            entries = await entries_page(session, principal.user_id, paging, kind=kind)
        return page_out(entries, ledger_entry_out)
