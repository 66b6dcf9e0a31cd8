"""The invariants `panel doctor` checks: money adds up and the catalog can serve what it sells."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.catalog.models import ProviderService, Service, ServiceRoute
from core.connections.models import ProviderConnection
from core.ledger.models import EntryKind, LedgerEntry
from core.ledger.repository import balance_mismatches
from core.orders.models import Order


@dataclass(frozen=True)
class Violation:
    """One broken invariant, described for a human."""

    check: str
    detail: str


async def _ledger_violations(session: AsyncSession) -> list[Violation]:
    return [
        Violation(
            "balance",
            f"user {m.email} (id {m.user_id}): balance {m.balance} but ledger sums to {m.ledger_sum}",
        )
        for m in await balance_mismatches(session)
    ]


async def _order_money_violations(session: AsyncSession) -> list[Violation]:
    sums = (
        select(
            LedgerEntry.order_id,
            func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == EntryKind.CHARGE).label("charged"),
            func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == EntryKind.REFUND).label("refunded"),
        )
        .where(LedgerEntry.order_id.is_not(None))
        .group_by(LedgerEntry.order_id)
        .subquery()
    )
    rows = await session.execute(
        select(Order.id, Order.charge, Order.refunded, sums.c.charged, sums.c.refunded).outerjoin(
            sums, sums.c.order_id == Order.id
        )
    )
    violations = []
    for order_id, charge, refunded, charged, refunds in rows:
        paid = -charged if charged is not None else 0
        if paid != charge:
            violations.append(
                Violation("order_charge", f"order {order_id}: charge {charge} but ledger debited {paid}")
            )
        returned = refunds if refunds is not None else 0
        if returned != refunded:
            violations.append(
                Violation(
                    "order_refund", f"order {order_id}: refunded {refunded} but ledger refunded {returned}"
                )
            )
    return violations


async def _catalog_violations(session: AsyncSession) -> list[Violation]:
    live_route = (
        select(ServiceRoute.id)
        .join(ProviderService, ProviderService.id == ServiceRoute.provider_service_id)
        .join(ProviderConnection, ProviderConnection.id == ProviderService.provider_id)
        .where(
            and_(
                ServiceRoute.service_id == Service.id,
                ServiceRoute.enabled.is_(True),
                ProviderService.removed_at.is_(None),
                ProviderConnection.enabled.is_(True),
            )
        )
        .exists()
    )
    rows = await session.execute(
        select(Service.id, Service.name).where(Service.enabled.is_(True), ~live_route)
    )
    return [
        Violation("catalog", f"service {service_id} ({name}) is enabled but has no live route")
        for service_id, name in rows
    ]


async def check_invariants(session: AsyncSession) -> list[Violation]:
    """Every violated invariant; an empty list means the books and the catalog are sound."""
    return [
        *await _ledger_violations(session),
        *await _order_money_violations(session),
        *await _catalog_violations(session),
    ]
