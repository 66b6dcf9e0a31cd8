"""Admin: the sales report — revenue, cost, profit and order counts by day, provider, service or customer."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from api.rest.context import RestContext
from api.rest.deps import PAGE
from api.rest.errors import ERROR_RESPONSES
from api.rest.paging import PageOut, page_out
from api.rest.types import amount_text
from core.pagination import PageRequest, page_of
from core.reports.domain import ReportRow
from core.reports.service import GroupBy, sales_report


class ReportRowOut(msgspec.Struct, frozen=True):
    """One group of orders; money in the panel currency. `revenue` = charged − refunded; `cost` = what the
    providers charged, at the exchange rate frozen on each order; `profit` = revenue − cost."""

    key: str
    label: str
    orders: int
    revenue: str
    cost: str
    profit: str


class SalesReportOut(msgspec.Struct, frozen=True):
    """The report: a page of its rows, the total over all rows, and the period ([since, until), UTC)."""

    group_by: str
    since: date | None
    until: date | None
    currency: str
    rows: PageOut[ReportRowOut]
    total: ReportRowOut


def row_out(row: ReportRow) -> ReportRowOut:
    """The schema of a report row."""
    return ReportRowOut(
        row.key,
        row.label,
        row.orders,
        amount_text(row.revenue),
        amount_text(row.cost),
        amount_text(row.profit),
    )


class ReportsController(Controller):
    """Reports computed from what each order recorded (never today's prices or rates)."""

    path = "/reports"
    tags = ["admin: reports"]
    dependencies = {"paging": PAGE}

    @get("/sales", operation_id="adminSalesReport", responses=ERROR_RESPONSES)
    async def sales(
        self,
        ctx: NamedDependency[RestContext],
        paging: NamedDependency[PageRequest],
        group_by: FromQuery[GroupBy] = GroupBy.DAY,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
    ) -> SalesReportOut:
        """Orders created in [since, until) grouped by day, provider, service or customer."""
        async with ctx.db.transaction() as session:
            report = await sales_report(session, group_by, since=since, until=until)
        return SalesReportOut(
            group_by=report.group_by.value,
            since=report.since,
            until=report.until,
            currency=ctx.settings.currency,
            rows=page_out(page_of(report.rows, paging), row_out),
            total=row_out(report.total),
        )
