"""Reading the ledger: one user's entries, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ledger.models import EntryKind, LedgerEntry
from core.pagination import Page, PageRequest, paginate


async def entries_page(
    session: AsyncSession, user_id: int, request: PageRequest, *, kind: EntryKind | None = None
) -> Page[LedgerEntry]:
    """A user's ledger entries, newest first, optionally of one kind."""
    query = select(LedgerEntry).where(LedgerEntry.user_id == user_id).order_by(LedgerEntry.id.desc())
    if kind is not None:
        query = query.where(LedgerEntry.kind == kind)
    return await paginate(session, query, request)
