"""The sales report: orders of a period grouped by day, provider, service or customer."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidInput
from core.reports import repository
from core.reports.domain import OrderFigures, ReportRow, Tally, totals

MAX_DAYS = 3660  # ten years: a longer period is a typo


class GroupBy(StrEnum):
    """How the sales report groups orders."""

    DAY = "day"
    PROVIDER = "provider"
    SERVICE = "service"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class SalesReport:
    """Report rows, their total, and the period they cover (`until` exclusive; None = open)."""

    group_by: GroupBy
    since: date | None
    until: date | None
    rows: list[ReportRow]
    total: ReportRow


def _start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=UTC)


async def sales_report(
    session: AsyncSession, group_by: GroupBy, *, since: date | None = None, until: date | None = None
) -> SalesReport:
    """Revenue, cost, profit and order counts of orders created in [since, until) (UTC days).

    Orders never sent to a provider have no provider; they are grouped under the key "none".
    """
    if since is not None and until is not None:
        if until <= since:
            raise InvalidInput("until must be after since")
        if until - since > timedelta(days=MAX_DAYS):
            raise InvalidInput(f"a report covers at most {MAX_DAYS} days")
    tally = Tally()
    async for row in repository.order_rows(session, since=_start(since), until=_start(until)):
        figures = OrderFigures(row.charge, row.refunded, row.cost, row.provider_charge, row.exchange_rate)
        tally.add(_key(group_by, row), figures)
    rows = tally.rows(await _labels(session, group_by, tally.keys()))
    return SalesReport(group_by, since, until, rows, totals(rows))


def _key(group_by: GroupBy, row: object) -> Hashable:
    if group_by is GroupBy.DAY:
        created: datetime = row.created_at  # type: ignore[attr-defined]
        return created.astimezone(UTC).date().isoformat()
    column = {GroupBy.PROVIDER: "provider_id", GroupBy.SERVICE: "service_id", GroupBy.CUSTOMER: "user_id"}
    value: Hashable = getattr(row, column[group_by])
    return value


async def _labels(session: AsyncSession, group_by: GroupBy, keys: list[Hashable]) -> dict[Hashable, str]:
    ids = [key for key in set(keys) if isinstance(key, int)]
    if group_by is GroupBy.PROVIDER:
        names: dict[int, str] = await repository.provider_names(session, ids)
    elif group_by is GroupBy.SERVICE:
        names = await repository.service_names(session, ids)
    elif group_by is GroupBy.CUSTOMER:
        names = await repository.user_emails(session, ids)
    else:
        return {}
    return {key: name for key, name in names.items()}
